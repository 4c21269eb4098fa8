/** The design's example profile file, and helpers to vary it. */
export const designExample = {
  id: "contoso-ex2016",
  name: "Contoso Exchange 2016",
  serverType: "exchange-server",
  owner: "crm-admin@contoso.com",
  autodiscover: true,
  incomingUrl: null,
  outgoingUrl: null,
  auth: { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" },
  maxConcurrentConnections: 10,
  pollingIntervalMinutes: 5,
  notifyOwner: true,
  mailboxes: [{ address: "jdoe@contoso.com", approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true }],
};

export function exampleWith(overrides: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(designExample), ...overrides };
}

export function mailboxesOf(n: number, approved = true) {
  return Array.from({ length: n }, (_, i) => ({ address: `user${String(i).padStart(4, "0")}@contoso.com`, approved, incoming: true, outgoing: true, appointmentsContactsTasks: true }));
}
