import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { resolveCredentials, TokenCache, type OAuthCredentials } from "../../lib/auth/index.js";
import type { GraphCheckOptions, GraphMailbox } from "../../lib/graph/check.js";
import type { GraphCloudName } from "../../lib/graph/clouds.js";
import { ProfileConnections } from "../../lib/net/index.js";
import type { MailboxCheck } from "../../lib/model/connection.js";
import { startSimulatedOrg, throwawaySecret, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";

export const tenant = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
export const syncRoles = ["Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite", "Tasks.ReadWrite.All", "MailboxConfigItem.ReadWrite"];

export interface TestApp {
  clientId: string;
  secret: string;
}
export const fullApp: TestApp = { clientId: "3c4d5e6f-7a8b-4c9d-8e0f-000000000001", secret: throwawaySecret("graph-check-full") };
export const noTasksApp: TestApp = { clientId: "3c4d5e6f-7a8b-4c9d-8e0f-000000000002", secret: throwawaySecret("graph-check-notasks") };

export const cloudMailboxes = Array.from({ length: 16 }, (_, i) => `user${String(i).padStart(2, "0")}@tailspintoys.com`);

export function graphOrg(): OrgSpec {
  return {
    domains: [{ name: "tailspintoys.com" }],
    servers: [
      { name: "outlook.office365.com", build: "15.20.7452.28", auth: ["bearer"], group: "tailspintoys.com" },
      { name: "mail.tailspintoys.com", build: "15.1.2507.6" },
    ],
    mailboxes: [
      ...cloudMailboxes.map((address) => ({ address, server: "outlook.office365.com" })),
      { address: "onprem@tailspintoys.com", server: "mail.tailspintoys.com" },
    ],
    oauthApps: [
      { tenant, clientId: fullApp.clientId, clientSecret: fullApp.secret, impersonation: "all", roles: ["full_access_as_app", ...syncRoles] },
      { tenant, clientId: noTasksApp.clientId, clientSecret: noTasksApp.secret, impersonation: "all", roles: ["full_access_as_app", ...syncRoles.filter((r) => r !== "Tasks.ReadWrite.All")] },
    ],
  };
}

export function connectionsFor(sim: SimulatedOrg, maxConnections = 10): ProfileConnections {
  return new ProfileConnections({
    maxConnections,
    network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) },
    timeouts: { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000, totalMs: 5_000 },
  });
}

export function credentialsFor(app: TestApp, cloud: GraphCloudName = "public", authorityHost?: string): OAuthCredentials {
  const resolved = resolveCredentials(
    { kind: "oauth", tenantId: tenant, clientId: app.clientId, clientSecretSetting: "GRAPH_SECRET", cloud },
    { GRAPH_SECRET: app.secret },
    authorityHost === undefined ? {} : { authorityHost },
  );
  if (!resolved.ok || resolved.value.kind !== "oauth") throw new Error("test credentials did not resolve");
  return resolved.value;
}

export function options(tokens: TokenCache, connections: ProfileConnections, extra: Partial<GraphCheckOptions> = {}): GraphCheckOptions {
  return { connections, tokens, credentials: credentialsFor(fullApp), cloud: "public", limit: 4, context: { serverType: "exchange-online" }, ...extra };
}

export const all = { incoming: true, outgoing: true, appointmentsContactsTasks: true };
export const mailboxes = (addresses: string[]): GraphMailbox[] => addresses.map((address) => ({ address, wanted: all }));

/** Runs a check and returns what it reported, by address. */
export async function collect(run: (report: (a: string, c: MailboxCheck) => Promise<void>) => Promise<unknown>): Promise<Map<string, MailboxCheck>> {
  const seen = new Map<string, MailboxCheck>();
  await run(async (address, check) => void seen.set(address, check));
  return seen;
}

/**
 * One simulated Graph organisation for the describe block that calls this; before each test a new token cache,
 * counters at zero and fresh connections (closed after it). Read `sim`, `tokens` and `conns` inside the tests.
 */
export function graphSimPerTest(): { readonly sim: SimulatedOrg; readonly tokens: TokenCache; readonly conns: ProfileConnections } {
  let sim: SimulatedOrg;
  let tokens: TokenCache;
  let conns: ProfileConnections;
  beforeAll(async () => {
    sim = await startSimulatedOrg(graphOrg());
  });
  beforeEach(() => {
    tokens = new TokenCache();
    sim.counters.reset();
    conns = connectionsFor(sim);
  });
  afterEach(() => conns.close());
  afterAll(() => sim.stop());
  return {
    get sim() {
      return sim;
    },
    get tokens() {
      return tokens;
    },
    get conns() {
      return conns;
    },
  };
}

