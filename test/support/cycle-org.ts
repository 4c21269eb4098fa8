import type { MailboxSpec, OrgSpec } from "../../sim/index.js";
import type { ProfileInput } from "../../lib/config/profile.js";
import { throwawaySecret } from "../../sim/index.js";

export const litwarePassword = throwawaySecret("litware");
export const contosoPassword = throwawaySecret("contoso");

/** contoso.com (healthy, 6 mailboxes) and litware.com (15 mailboxes, 10 failing for different reasons). */
export function cycleOrganisation(extraLitwareMailboxes = 0): OrgSpec {
  const healthy = (domain: string, names: string[], server: string): MailboxSpec[] => names.map((n) => ({ address: `${n}@${domain}`, server }));
  return {
    domains: [{ name: "contoso.com" }, { name: "litware.com" }],
    servers: [
      { name: "autodiscover.contoso.com", ews: false, autodiscover: true },
      { name: "mail.contoso.com", build: "15.1.2507.6" },
      { name: "autodiscover.litware.com", ews: false, autodiscover: true },
      { name: "mail.litware.com", build: "15.2.1118.7" },
      { name: "mail2.litware.com", build: "15.2.1118.7" },
      { name: "mail3.litware.com", build: "15.2.1118.7", knobs: { refuse: true } },
    ],
    mailboxes: [
      ...healthy("contoso.com", ["alice", "bob", "carol", "dave", "erin", "frank"], "mail.contoso.com"),
      ...healthy("litware.com", ["ok1", "ok2", "ok3", "ok4", "mover"], "mail.litware.com"),
      { address: "gone1@litware.com", server: "mail.litware.com", knobs: { notFound: true } },
      { address: "gone2@litware.com", server: "mail.litware.com", knobs: { notFound: true } },
      { address: "denied1@litware.com", server: "mail.litware.com", knobs: { impersonationDenied: true } },
      { address: "denied2@litware.com", server: "mail.litware.com", knobs: { impersonationDenied: true } },
      { address: "busy1@litware.com", server: "mail.litware.com", knobs: { busy: 600_000 } },
      { address: "busy2@litware.com", server: "mail.litware.com", knobs: { busy: 1_000 } },
      { address: "calendar1@litware.com", server: "mail.litware.com", knobs: { folderErrors: { calendar: "ErrorAccessDenied" } } },
      { address: "calendar2@litware.com", server: "mail.litware.com", knobs: { folderErrors: { calendar: "ErrorAccessDenied" } } },
      { address: "unreachable@litware.com", server: "mail3.litware.com" },
      { address: "elsewhere@litware.com", server: "mail.litware.com", knobs: { redirectAddr: "elsewhere@fabrikam.com" } },
      ...Array.from({ length: extraLitwareMailboxes }, (_, i) => ({ address: `user${i}@litware.com`, server: i % 2 === 0 ? "mail.litware.com" : "mail2.litware.com" })),
    ],
    serviceAccounts: [
      { upn: "svc-crm@contoso.com", password: contosoPassword, impersonation: ["@contoso.com"] },
      { upn: "svc-crm@litware.com", password: litwarePassword, impersonation: ["@litware.com"] },
    ],
  };
}

/** An on-premises profile of one organisation of the cycle org, with Basic authentication and approved mailboxes. */
function exchangeServerProfile(id: string, name: string, mailboxes: string[]): ProfileInput {
  return {
    id,
    name,
    serverType: "exchange-server",
    owner: `admin@${id}.com`,
    auth: { kind: "basic", username: `svc-crm@${id}.com`, passwordSetting: `${id.toUpperCase()}_PASSWORD` },
    pollingIntervalMinutes: 5,
    maxConcurrentConnections: 10,
    mailboxes: mailboxes.map((address) => ({ address, approved: true })),
  };
}

export function contosoProfile(): ProfileInput {
  return exchangeServerProfile("contoso", "Contoso", ["alice", "bob", "carol", "dave", "erin", "frank"].map((n) => `${n}@contoso.com`));
}

export function litwareProfile(mailboxes: string[] = litwareMailboxes()): ProfileInput {
  return exchangeServerProfile("litware", "Litware", mailboxes);
}

export function litwareMailboxes(): string[] {
  return ["ok1", "ok2", "ok3", "ok4", "mover", "gone1", "gone2", "denied1", "denied2", "busy1", "busy2", "calendar1", "calendar2", "unreachable", "elsewhere"].map(
    (n) => `${n}@litware.com`,
  );
}

export const cycleSecrets = { CONTOSO_PASSWORD: contosoPassword, LITWARE_PASSWORD: litwarePassword };
