import { adventureClientId, adventureTenant, demoClientId, demoTenant, tailspinSyncClientId, wingtipClientId, wingtipTenant } from "../demo.js";
import type { OrgSpec } from "../spec.js";
import { throwawaySecret } from "../throwaway-secret.js";
import { dvId, idKinds } from "./ids.js";
import { dvMailbox, dvProfile, type DataverseSpec, type DvMailbox, type DvSystemUser, type DvTraceLog } from "./spec.js";

/** The demo's Dataverse environment and the Entra app registered as its application user. */
export const demoDataverseHost = "demo.crm.dynamics.com";
export const demoDataverseClientId = "3c9a7e21-4b5d-4f60-8a1b-2c3d4e5f6a7b";
export const demoDataverseSecret = throwawaySecret("demo-dataverse");

export const demoProfileIds = {
  contoso: dvId(idKinds.profile, 1),
  fabrikam: dvId(idKinds.profile, 2),
  northwind: dvId(idKinds.profile, 3),
  tailspin: dvId(idKinds.profile, 4),
  /** Exchange, but the map file gives no credentials: imported, shown as "needs credentials". */
  woodgrove: dvId(idKinds.profile, 5),
  /** POP3/SMTP and an unknown server type: skipped with their reasons. */
  litwarePop: dvId(idKinds.profile, 6),
  unknownType: dvId(idKinds.profile, 7),
  /** Exchange Online whose app EWS blocks by policy and which lacks Tasks.ReadWrite.All (issue 11's readiness). */
  wingtip: dvId(idKinds.profile, 8),
  /** Exchange Online (Hybrid): Autodiscover places each mailbox, Graph for cloud ones, EWS for on-premises ones. */
  adventure: dvId(idKinds.profile, 9),
} as const;

const owners: DvSystemUser[] = [
  { systemuserid: dvId(idKinds.user, 1), fullname: "Contoso CRM admin", internalemailaddress: "crm-admin@contoso.com" },
  { systemuserid: dvId(idKinds.user, 2), fullname: "Fabrikam IT operations", internalemailaddress: "it-ops@fabrikam.com" },
  { systemuserid: dvId(idKinds.user, 3), fullname: "Northwind admin", internalemailaddress: "admin@northwind.com" },
  { systemuserid: dvId(idKinds.user, 4), fullname: "Tailspin Microsoft 365 admin", internalemailaddress: "m365-admin@tailspintoys.com" },
  { systemuserid: dvId(idKinds.user, 5), fullname: "Woodgrove admin", internalemailaddress: "admin@woodgrovebank.com" },
  { systemuserid: dvId(idKinds.user, 6), fullname: "Wingtip Microsoft 365 admin", internalemailaddress: "m365-admin@wingtiptoys.com" },
  { systemuserid: dvId(idKinds.user, 7), fullname: "Adventure Works messaging team", internalemailaddress: "messaging@adventure-works.com" },
];

/** The columns an Exchange Online profile has in common: autodiscover off, EWS at Office 365, protocol 4 and retrieval 2. */
const exchangeOnlineColumns = {
  useautodiscover: false,
  incomingserverlocation: "https://outlook.office365.com/EWS/Exchange.asmx",
  outgoingserverlocation: "https://outlook.office365.com/EWS/Exchange.asmx",
  incomingauthenticationprotocol: 4,
  incomingcredentialretrieval: 2,
};

const hoursFromNow = (now: number, hours: number): string => new Date(now + hours * 3_600_000).toISOString();

/**
 * The demo organisations' profiles and mailboxes as Dynamics 365 holds them, with Dynamics' own verdicts. Several
 * disagree with what the simulated Exchange does (sim/demo.ts):
 * - contoso: erin's processing is postponed (Dynamics fails, Exchange fine); frank is pending approval in CRM;
 *   a mailbox with an invalid address, one without an address, and one that only syncs through Outlook.
 * - fabrikam: Dynamics agrees on mallory, niaj, rupert and trent (both fail), still says success for olivia and
 *   sybil, whom Exchange fails (early warning).
 * - northwind: Basic is off on EWS; Dynamics fails uma and walter, has not run xena yet.
 * - tailspin (Exchange Online): yara awaits the Microsoft 365 admin's approval; quinn's outgoing email is switched
 *   off in the mailbox settings while its delivery method is server-side sync (Dynamics fails, Exchange fine).
 *   Synchronization signs in as tailspinSyncClientId, the monitor as its own app: readiness speaks for the monitor's.
 * - wingtip (Exchange Online): the monitor signs in as synchronization's own app: readiness speaks for synchronization.
 * - adventure (Exchange Online (Hybrid)): Autodiscover on, synchronization's own app; Dynamics agrees with Exchange.
 */
export function demoDataverse(now = Date.now()): DataverseSpec {
  const ids = demoProfileIds;
  let mailboxNumber = 0;
  const mailboxes: DvMailbox[] = [];
  const tracelogs: DvTraceLog[] = [];
  const add = (profile: string, address: string | null, fields: Partial<DvMailbox> = {}): DvMailbox => {
    const record = dvMailbox({
      mailboxid: dvId(idKinds.mailbox, ++mailboxNumber),
      emailaddress: address,
      _emailserverprofile_value: profile,
      processinglastattemptedon: hoursFromNow(now, -0.1),
      lastsuccessfulsynccompletedon: hoursFromNow(now, -0.1),
      ...fields,
    });
    mailboxes.push(record);
    return record;
  };
  const failing = (error: string, code: number, fields: Partial<DvMailbox> = {}): Partial<DvMailbox> => ({
    incomingemailstatus: 2,
    outgoingemailstatus: 2,
    actstatus: 2,
    lastsyncerror: error,
    lastsyncerrorcode: code,
    lastsyncerrorcount: 4,
    lastsyncerroroccurredon: hoursFromNow(now, -0.2),
    lastsuccessfulsynccompletedon: hoursFromNow(now, -30),
    ...fields,
  });
  const alert = (mailbox: DvMailbox, text: string, tracecode: number, hoursAgo: number, level = 3): void => {
    tracelogs.push({ tracelogid: dvId(idKinds.tracelog, tracelogs.length + 1), _regardingobjectid_value: mailbox.mailboxid, level, tracecode, text, createdon: hoursFromNow(now, -hoursAgo) });
  };

  for (const name of ["alice", "bob", "carol", "dave", "grace", "heidi"]) add(ids.contoso, `${name}@contoso.com`);
  const erin = add(ids.contoso, "erin@contoso.com", failing("Mailbox processing has been postponed after repeated transient errors.", -2147220716, { incomingemailstatus: 2, outgoingemailstatus: 1, actstatus: 1, postponemailboxprocessinguntil: hoursFromNow(now, 2), transientfailurecount: 7 }));
  alert(erin, "Email cannot be received for the mailbox erin@contoso.com: processing postponed after transient errors.", 50, 1);
  const frank = add(ids.contoso, "frank@contoso.com", failing("The email address for the mailbox has not been approved.", -2147220714, { emailrouteraccessapproval: 2 }));
  alert(frank, "The email address of frank@contoso.com must be approved before email can be processed.", 51, 3);
  add(ids.contoso, "not-an-address", { emailrouteraccessapproval: 1 });
  add(ids.contoso, null);
  add(ids.contoso, "outlook-only@contoso.com", { incomingemaildeliverymethod: 1, outgoingemaildeliverymethod: 1, actdeliverymethod: 0, incomingemailstatus: 0, outgoingemailstatus: 0, actstatus: 0 });
  add(ids.contoso, "retired@contoso.com", { statecode: 1 });

  for (const name of ["ivan", "judy", "victor", "peggy", "olivia", "sybil"]) add(ids.fabrikam, `${name}@fabrikam.com`);
  const mallory = add(ids.fabrikam, "mallory@fabrikam.com", failing("The mailbox mallory@fabrikam.com does not exist in Exchange (ErrorNonExistentMailbox).", -2147220709));
  alert(mallory, "Mailbox mallory@fabrikam.com was disabled: the mailbox does not exist on the Exchange server.", 60, 0.5);
  alert(mallory, "Email cannot be received for mallory@fabrikam.com.", 61, 2, 2);
  const niaj = add(ids.fabrikam, "niaj@fabrikam.com", failing("The impersonation of niaj@fabrikam.com was denied (ErrorImpersonateUserDenied).", -2147220708));
  alert(niaj, "The service account cannot impersonate niaj@fabrikam.com: assign the ApplicationImpersonation role.", 62, 0.7);
  const rupert = add(ids.fabrikam, "rupert@fabrikam.com", failing("The connection to the Exchange server mail3.fabrikam.com failed.", -2147220711));
  alert(rupert, "Unable to connect to the Exchange server for rupert@fabrikam.com.", 63, 0.3);
  const trent = add(ids.fabrikam, "trent@fabrikam.com", failing("Access to the calendar of trent@fabrikam.com was denied.", -2147220706, { incomingemailstatus: 1, outgoingemailstatus: 1, actstatus: 2 }));
  alert(trent, "Appointments, contacts and tasks cannot be synchronized for trent@fabrikam.com.", 64, 0.4);

  const uma = add(ids.northwind, "uma@northwind.com", failing("HTTP 401: the server refused Basic authentication.", -2147220713));
  alert(uma, "Authentication failed for the mailbox uma@northwind.com: Basic authentication is not enabled.", 65, 0.6);
  const walter = add(ids.northwind, "walter@northwind.com", failing("HTTP 401: the server refused Basic authentication.", -2147220713));
  alert(walter, "Authentication failed for the mailbox walter@northwind.com: Basic authentication is not enabled.", 65, 0.6);
  add(ids.northwind, "xena@northwind.com", { incomingemailstatus: 0, outgoingemailstatus: 0, actstatus: 0, processinglastattemptedon: null, lastsuccessfulsynccompletedon: null });

  add(ids.tailspin, "zach@tailspintoys.com");
  const yara = add(ids.tailspin, "yara@tailspintoys.com", failing("The email address has not been approved by the Microsoft 365 administrator.", -2147220715, { isemailaddressapprovedbyo365admin: false }));
  alert(yara, "yara@tailspintoys.com awaits approval by a Microsoft 365 global or Exchange administrator.", 52, 5);
  const quinn = add(ids.tailspin, "quinn@tailspintoys.com", failing("Outgoing email is not enabled for the mailbox.", -2147220712, { incomingemailstatus: 1, actstatus: 1, enabledforoutgoingemail: false }));
  alert(quinn, "Email cannot be sent from quinn@tailspintoys.com: outgoing email is not enabled.", 53, 1);

  for (const name of ["amara", "bruno", "chen"]) add(ids.wingtip, `${name}@wingtiptoys.com`);
  for (const name of ["kim", "lena", "omar", "pia"]) add(ids.adventure, `${name}@adventure-works.com`);

  for (const name of ["ana", "ben"]) add(ids.woodgrove, `${name}@woodgrovebank.com`, { incomingemailstatus: 0, outgoingemailstatus: 0, actstatus: 0 });
  add(ids.litwarePop, "sales@litwareinc.com");
  add(ids.unknownType, "help@proseware.com");

  return {
    host: demoDataverseHost,
    applicationUsers: [demoDataverseClientId],
    emailserverprofiles: [
      dvProfile({ emailserverprofileid: ids.contoso, name: "Contoso Exchange 2016", _ownerid_value: owners[0]!.systemuserid, minpollingintervalinminutes: 1, lasttestexecutionstatus: 1, lastteststarttime: hoursFromNow(now, -24), lasttestresponse: "Test Connection succeeded." }),
      dvProfile({ emailserverprofileid: ids.fabrikam, name: "Fabrikam Exchange 2019", _ownerid_value: owners[1]!.systemuserid, minpollingintervalinminutes: 1, lasttestexecutionstatus: 2, lastteststarttime: hoursFromNow(now, -6), lasttestresponse: "Autodiscover succeeded; some mailboxes' servers could not be reached." }),
      dvProfile({ emailserverprofileid: ids.northwind, name: "Northwind Exchange 2016", _ownerid_value: owners[2]!.systemuserid, minpollingintervalinminutes: 1, lasttestexecutionstatus: 0, lastteststarttime: hoursFromNow(now, -2), lasttestresponse: "HTTP 401 Unauthorized from https://mail.northwind.com/EWS/Exchange.asmx." }),
      dvProfile({
        emailserverprofileid: ids.tailspin,
        name: "Tailspin Toys Exchange Online",
        _ownerid_value: owners[3]!.systemuserid,
        ...exchangeOnlineColumns,
        exchangeonlinetenantid: demoTenant,
        // Synchronization's own app; the monitor signs in as another (the map file's clientId).
        oauthclientid: tailspinSyncClientId,
        maxconcurrentconnections: 108,
        minpollingintervalinminutes: 1,
      }),
      dvProfile({
        emailserverprofileid: ids.wingtip,
        name: "Wingtip Toys Exchange Online",
        _ownerid_value: owners[5]!.systemuserid,
        ...exchangeOnlineColumns,
        exchangeonlinetenantid: wingtipTenant,
        oauthclientid: wingtipClientId,
        minpollingintervalinminutes: 1,
      }),
      dvProfile({
        emailserverprofileid: ids.adventure,
        name: "Adventure Works Exchange hybrid",
        _ownerid_value: owners[6]!.systemuserid,
        servertype: 3,
        useautodiscover: true,
        incomingauthenticationprotocol: 4,
        incomingcredentialretrieval: 2,
        exchangeonlinetenantid: adventureTenant,
        oauthclientid: adventureClientId,
        minpollingintervalinminutes: 1,
      }),
      dvProfile({ emailserverprofileid: ids.woodgrove, name: "Woodgrove Exchange 2019", _ownerid_value: owners[4]!.systemuserid, incomingauthenticationprotocol: 2 }),
      dvProfile({ emailserverprofileid: ids.litwarePop, name: "Litware POP3", servertype: 1, _ownerid_value: owners[0]!.systemuserid }),
      dvProfile({ emailserverprofileid: ids.unknownType, name: "Proseware (unknown type)", servertype: 7, _ownerid_value: owners[0]!.systemuserid }),
    ],
    mailboxes,
    systemusers: owners,
    tracelogs,
  };
}

/** The readable ids the demo gives its profiles through the map file (the README and the walkthrough use them). */
export const demoMonitorIds = {
  contoso: "contoso-ex2016",
  fabrikam: "fabrikam-ex2019",
  northwind: "northwind-ex2016",
  tailspin: "tailspin-online",
  woodgrove: "woodgrove-ex2019",
  wingtip: "wingtip-online",
  adventure: "adventure-hybrid",
} as const;

/**
 * What the demo's administrator writes in DATAVERSE_MAP_FILE: the secret settings Dataverse cannot hold.
 * `monitorIds`: also the readable profile ids (otherwise dv-<emailserverprofileid>).
 */
export function demoDataverseMap(options: { monitorIds?: boolean } = {}): unknown {
  const id = (key: keyof typeof demoMonitorIds) => (options.monitorIds === true ? { monitorId: demoMonitorIds[key] } : {});
  return {
    profiles: [
      { id: demoProfileIds.contoso, ...id("contoso"), username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" },
      { name: "Fabrikam Exchange 2019", ...id("fabrikam"), username: "svc-crm@fabrikam.com", passwordSetting: "FABRIKAM_EWS_PASSWORD", trustedDomains: ["contoso.com"] },
      { name: "Northwind Exchange 2016", ...id("northwind"), username: "svc-crm@northwind.com", passwordSetting: "NORTHWIND_EWS_PASSWORD" },
      // Tailspin: the monitor signs in as its own app, not as synchronization's (readiness names both).
      { name: "Tailspin Toys Exchange Online", ...id("tailspin"), clientId: demoClientId, clientSecretSetting: "TAILSPIN_CLIENT_SECRET" },
      // Wingtip: the monitor signs in as synchronization's own app (Dataverse's), so readiness speaks for synchronization.
      { name: "Wingtip Toys Exchange Online", ...id("wingtip"), clientSecretSetting: "WINGTIP_CLIENT_SECRET" },
      // Adventure Works (hybrid): synchronization's own app too.
      { name: "Adventure Works Exchange hybrid", ...id("adventure"), clientSecretSetting: "ADVENTURE_CLIENT_SECRET" },
      // Woodgrove: no credentials (it is shown as "needs credentials"), only its readable id.
      ...(options.monitorIds === true ? [{ name: "Woodgrove Exchange 2019", ...id("woodgrove") }] : []),
    ],
  };
}

/** The monitor's settings for reading the demo environment (the secret's value under the setting it names). */
export function demoDataverseSettings(): Record<string, string> {
  return {
    DATAVERSE_URL: `https://${demoDataverseHost}`,
    DATAVERSE_TENANT_ID: demoTenant,
    DATAVERSE_CLIENT_ID: demoDataverseClientId,
    DATAVERSE_CLIENT_SECRET_SETTING: "DEMO_DATAVERSE_SECRET",
    DEMO_DATAVERSE_SECRET: demoDataverseSecret,
  };
}

/** The demo organisation with its Dataverse environment and the app registration that reads it. */
export function withDemoDataverse(spec: OrgSpec, dataverse: DataverseSpec = demoDataverse()): OrgSpec {
  return {
    ...spec,
    oauthApps: [...(spec.oauthApps ?? []), { tenant: demoTenant, clientId: demoDataverseClientId, clientSecret: demoDataverseSecret }],
    dataverse,
  };
}
