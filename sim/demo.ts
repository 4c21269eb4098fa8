import type { MailboxSpec, OrgSpec, ServerSpec } from "./spec.js";
import { throwawaySecret } from "./throwaway-secret.js";

/** Tenant and app of the demo's Exchange Online organisation. */
export const demoTenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
export const demoClientId = "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5";
export const demoClientSecret = throwawaySecret("demo-client");
/**
 * The app registration Tailspin's server-side synchronization signs in as. The monitor does not: it signs in as its
 * own app (demoClientId), so Tailspin's readiness speaks for the monitor's app and names this one.
 */
export const tailspinSyncClientId = "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e";

/** Wingtip Toys: another Exchange Online tenant, whose app is kept off EWS and lacks Tasks.ReadWrite.All. */
export const wingtipTenant = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";
export const wingtipClientId = "7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a";
export const wingtipClientSecret = throwawaySecret("wingtip-client");

/**
 * Adventure Works: Exchange hybrid. Synchronization's app (the monitor signs in as it) reaches cloud mailboxes through
 * Microsoft Graph and on-premises ones through the on-premises EWS, which takes the app's token (hybrid modern auth).
 */
export const adventureTenant = "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70";
export const adventureClientId = "8e9f0a1b-2c3d-4e4f-8a5b-6c7d8e9f0a1b";
export const adventureClientSecret = throwawaySecret("adventure-client");

/** The Graph application permissions server-side synchronization needs. */
const syncGraphRoles = ["Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite", "Tasks.ReadWrite.All", "MailboxConfigItem.ReadWrite"];

/** Passwords of the demo service accounts (svc-crm@<domain>), made anew in every process. */
export const demoPasswords: Record<string, string> = {
  "svc-crm@contoso.com": throwawaySecret("contoso"),
  "svc-crm@fabrikam.com": throwawaySecret("fabrikam"),
  "svc-crm@northwind.com": throwawaySecret("northwind"),
};

const ad = (domain: string, auth?: ServerSpec["auth"]): ServerSpec[] => [
  { name: domain, ews: false, autodiscover: true, ...(auth === undefined ? {} : { auth }) },
  { name: `autodiscover.${domain}`, ews: false, autodiscover: true, httpRedirect: `https://autodiscover.${domain}/autodiscover/autodiscover.xml`, ...(auth === undefined ? {} : { auth }) },
];

const boxes = (domain: string, server: string, names: string[]): MailboxSpec[] =>
  names.map((n) => ({ address: `${n}@${domain}`, server, displayName: n[0]!.toUpperCase() + n.slice(1) }));

/**
 * contoso.com: Exchange 2016, healthy, 8 mailboxes on two servers.
 * fabrikam.com: Exchange 2019, 6 of 10 mailboxes fail (not found, impersonation denied, busy,
 *   home server unreachable, redirected to another domain, calendar access denied); one moved and recoverable.
 * northwind.com: Exchange 2016 whose EWS has Basic disabled (NTLM still works).
 * tailspintoys.com: Exchange Online (Bearer tokens from login.microsoftonline.com), 3 mailboxes, reached
 *   through EWS or Microsoft Graph (its app has full_access_as_app and every Graph permission sync needs).
 * wingtiptoys.com: Exchange Online whose EWS blocks its app by policy (not on the allow list) and whose
 *   app lacks Tasks.ReadWrite.All, so Graph fails the appointments, contacts and tasks channel.
 * adventure-works.com: Exchange hybrid. kim and lena live in Exchange Online, omar and pia on the Exchange 2019 server
 *   mail.adventure-works.com; Autodiscover and the on-premises EWS take the app's token (hybrid modern authentication).
 */
export function demoOrganisation(): OrgSpec {
  const fab = "mail.fabrikam.com";
  return {
    domains: [
      { name: "contoso.com" },
      { name: "fabrikam.com", srv: [{ target: "autodiscover.fabrikam.com", port: 443, priority: 10, weight: 100 }] },
      { name: "northwind.com" },
      { name: "tailspintoys.com" },
      { name: "wingtiptoys.com" },
      { name: "adventure-works.com" },
    ],
    servers: [
      ...ad("contoso.com"),
      { name: "mail.contoso.com", build: "15.1.2507.6" },
      { name: "mail2.contoso.com", build: "15.1.2507.6" },
      { name: "autodiscover.fabrikam.com", ews: false, autodiscover: true },
      { name: fab, build: "15.2.1118.7" },
      { name: "mail2.fabrikam.com", build: "15.2.1118.7" },
      { name: "mail3.fabrikam.com", build: "15.2.1118.7", knobs: { refuse: true } },
      ...ad("northwind.com"),
      { name: "mail.northwind.com", build: "15.1.2507.6", knobs: { basicDisabled: true } },
      { name: "outlook.office365.com", build: "15.20.7452.28", autodiscover: true, auth: ["bearer"], group: "tailspintoys.com" },
      ...ad("adventure-works.com", ["bearer"]),
      { name: "mail.adventure-works.com", build: "15.2.1544.4", auth: ["bearer"] },
    ],
    mailboxes: [
      ...boxes("contoso.com", "mail.contoso.com", ["alice", "bob", "carol", "dave", "erin", "frank"]),
      ...boxes("contoso.com", "mail2.contoso.com", ["grace", "heidi"]),
      ...boxes("fabrikam.com", fab, ["ivan", "judy", "victor"]),
      { address: "peggy@fabrikam.com", server: fab, knobs: { movedTo: "mail2.fabrikam.com" } },
      { address: "mallory@fabrikam.com", server: fab, knobs: { notFound: true } },
      { address: "niaj@fabrikam.com", server: fab, knobs: { impersonationDenied: true } },
      { address: "olivia@fabrikam.com", server: fab, knobs: { busy: 30_000 } },
      { address: "rupert@fabrikam.com", server: "mail3.fabrikam.com" },
      { address: "sybil@fabrikam.com", server: fab, knobs: { redirectAddr: "sybil@contoso.com" } },
      { address: "trent@fabrikam.com", server: fab, knobs: { folderErrors: { calendar: "ErrorAccessDenied" } } },
      { address: "sybil@contoso.com", server: "mail.contoso.com" },
      ...boxes("northwind.com", "mail.northwind.com", ["uma", "walter", "xena"]),
      ...boxes("tailspintoys.com", "outlook.office365.com", ["yara", "zach", "quinn"]),
      ...boxes("wingtiptoys.com", "outlook.office365.com", ["amara", "bruno", "chen"]),
      ...boxes("adventure-works.com", "outlook.office365.com", ["kim", "lena"]),
      ...boxes("adventure-works.com", "mail.adventure-works.com", ["omar", "pia"]),
    ],
    serviceAccounts: Object.entries(demoPasswords).map(([upn, password]) => ({ upn, password, impersonation: [`@${upn.split("@")[1]}`] })),
    oauthApps: [
      { tenant: demoTenant, clientId: demoClientId, clientSecret: demoClientSecret, impersonation: ["@tailspintoys.com"], roles: ["full_access_as_app", ...syncGraphRoles] },
      {
        tenant: wingtipTenant,
        clientId: wingtipClientId,
        clientSecret: wingtipClientSecret,
        impersonation: ["@wingtiptoys.com"],
        ewsAllowed: false,
        roles: ["full_access_as_app", ...syncGraphRoles.filter((r) => r !== "Tasks.ReadWrite.All")],
        graphScope: ["@wingtiptoys.com"],
      },
      { tenant: adventureTenant, clientId: adventureClientId, clientSecret: adventureClientSecret, impersonation: ["@adventure-works.com"], roles: ["full_access_as_app", ...syncGraphRoles] },
    ],
  };
}
