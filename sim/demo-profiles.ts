import type { ProfileInput } from "../lib/config/profile.js";
import { adventureClientId, adventureClientSecret, adventureTenant, demoClientId, demoClientSecret, demoPasswords, demoTenant, tailspinSyncClientId, wingtipClientId, wingtipClientSecret, wingtipTenant } from "./demo.js";

const mailbox = (address: string) => ({ address, approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true });

/** Profiles matching the demo organisation: what an administrator would import for it. */
export function demoProfiles(): ProfileInput[] {
  return [
    {
      id: "contoso-ex2016",
      name: "Contoso Exchange 2016",
      serverType: "exchange-server",
      owner: "crm-admin@contoso.com",
      auth: { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" },
      pollingIntervalMinutes: 1,
      mailboxes: ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"].map((n) => mailbox(`${n}@contoso.com`)),
    },
    {
      id: "fabrikam-ex2019",
      name: "Fabrikam Exchange 2019",
      serverType: "exchange-server",
      owner: "it-ops@fabrikam.com",
      auth: { kind: "basic", username: "svc-crm@fabrikam.com", passwordSetting: "FABRIKAM_EWS_PASSWORD" },
      pollingIntervalMinutes: 1,
      mailboxes: ["ivan", "judy", "victor", "peggy", "mallory", "niaj", "olivia", "rupert", "sybil", "trent"].map((n) => mailbox(`${n}@fabrikam.com`)),
    },
    {
      id: "northwind-ex2016",
      name: "Northwind Exchange 2016",
      serverType: "exchange-server",
      owner: "admin@northwind.com",
      auth: { kind: "basic", username: "svc-crm@northwind.com", passwordSetting: "NORTHWIND_EWS_PASSWORD" },
      pollingIntervalMinutes: 1,
      mailboxes: ["uma", "walter", "xena"].map((n) => mailbox(`${n}@northwind.com`)),
    },
    {
      id: "tailspin-online",
      name: "Tailspin Toys Exchange Online",
      serverType: "exchange-online",
      owner: "m365-admin@tailspintoys.com",
      autodiscover: false,
      incomingUrl: "https://outlook.office365.com/EWS/Exchange.asmx",
      outgoingUrl: "https://outlook.office365.com/EWS/Exchange.asmx",
      auth: { kind: "oauth", tenantId: demoTenant, clientId: demoClientId, clientSecretSetting: "TAILSPIN_CLIENT_SECRET" },
      // Synchronization signs in as another app than the monitor: readiness speaks for the monitor's app and names it.
      syncApp: { tenantId: demoTenant, clientId: tailspinSyncClientId },
      pollingIntervalMinutes: 1,
      mailboxes: ["yara", "zach", "quinn"].map((n) => mailbox(`${n}@tailspintoys.com`)),
    },
    {
      // Probed through Graph (api auto): EWS blocks its app by policy, and the app lacks Tasks.ReadWrite.All.
      id: "wingtip-online",
      name: "Wingtip Toys Exchange Online",
      serverType: "exchange-online",
      owner: "m365-admin@wingtiptoys.com",
      autodiscover: false,
      auth: { kind: "oauth", tenantId: wingtipTenant, clientId: wingtipClientId, clientSecretSetting: "WINGTIP_CLIENT_SECRET" },
      // The monitor signs in as synchronization's own app: readiness speaks for synchronization itself.
      syncApp: { tenantId: wingtipTenant, clientId: wingtipClientId },
      pollingIntervalMinutes: 1,
      mailboxes: ["amara", "bruno", "chen"].map((n) => mailbox(`${n}@wingtiptoys.com`)),
    },
    {
      // Hybrid (api auto): Autodiscover finds where each mailbox lives; cloud ones through Graph, on-premises ones through EWS.
      id: "adventure-hybrid",
      name: "Adventure Works Exchange hybrid",
      serverType: "exchange-online-hybrid",
      owner: "messaging@adventure-works.com",
      auth: { kind: "oauth", tenantId: adventureTenant, clientId: adventureClientId, clientSecretSetting: "ADVENTURE_CLIENT_SECRET" },
      syncApp: { tenantId: adventureTenant, clientId: adventureClientId },
      pollingIntervalMinutes: 1,
      mailboxes: ["kim", "lena", "omar", "pia"].map((n) => mailbox(`${n}@adventure-works.com`)),
    },
  ];
}

/** The app settings holding the demo's secrets, as a Function App would have them. */
export function demoSecretSettings(): Record<string, string> {
  return {
    CONTOSO_EWS_PASSWORD: demoPasswords["svc-crm@contoso.com"]!,
    FABRIKAM_EWS_PASSWORD: demoPasswords["svc-crm@fabrikam.com"]!,
    NORTHWIND_EWS_PASSWORD: demoPasswords["svc-crm@northwind.com"]!,
    TAILSPIN_CLIENT_SECRET: demoClientSecret,
    WINGTIP_CLIENT_SECRET: wingtipClientSecret,
    ADVENTURE_CLIENT_SECRET: adventureClientSecret,
  };
}
