import { describe, expect, it } from "vitest";
import { emptyMap, parseMapFile, type DataverseMap } from "../../lib/dataverse/map-file.js";
import { mapRecords, monitorProfileId, type ImportedProfile } from "../../lib/dataverse/map-records.js";
import { dvId, dvMailbox, dvProfile, type DvEmailServerProfile, type DvMailbox } from "../../sim/dataverse/index.js";

const profileId = dvId(0xe5, 1);
const ownerId = dvId(0x5e, 1);
const tenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
const app = "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5";
let n = 0;
const box = (address: string | null, fields: Partial<DvMailbox> = {}): DvMailbox => dvMailbox({ mailboxid: dvId(0x3b, ++n), emailaddress: address, _emailserverprofile_value: profileId, ...fields });

function map(entries: object[]): DataverseMap {
  const parsed = parseMapFile(JSON.stringify({ profiles: entries }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.map;
}

const basicEntry = { id: profileId, username: "svc@contoso.com", passwordSetting: "CONTOSO_PW" };

function run(profile: Partial<DvEmailServerProfile>, mailboxes: DvMailbox[], entries: DataverseMap = map([basicEntry]), owners = new Map([[ownerId, "crm-admin@contoso.com" as string | null]])) {
  const record = dvProfile({ emailserverprofileid: profileId, name: "Contoso", _ownerid_value: ownerId, ...profile });
  return mapRecords({ environment: "https://contoso.crm.dynamics.com", profiles: [record], mailboxes: new Map([[profileId, mailboxes]]), owners, tracelogs: [], map: entries });
}

function only(result: ReturnType<typeof run>): ImportedProfile {
  expect(result.profiles).toHaveLength(1);
  return result.profiles[0]!;
}

describe("Dataverse records → monitor profiles", () => {
  it("maps an on-premises profile: owner's address, polling 0 → the monitor's default, connections clamped, Basic from the map file", () => {
    const p = only(run({ minpollingintervalinminutes: 0, maxconcurrentconnections: 108, sendemailalert: false }, [box("Alice@Contoso.com")]));
    expect(p.credentials).toBe("mapped");
    expect(p.profile).toMatchObject({
      id: monitorProfileId(profileId),
      name: "Contoso",
      serverType: "exchange-server",
      owner: "crm-admin@contoso.com",
      autodiscover: true,
      incomingUrl: null,
      pollingIntervalMinutes: 5,
      maxConcurrentConnections: 100,
      notifyOwner: false,
      auth: { kind: "basic", username: "svc@contoso.com", passwordSetting: "CONTOSO_PW" },
      mailboxes: [{ address: "alice@contoso.com", approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true }],
    });
    expect(p.source).toEqual({ kind: "dataverse", environment: "https://contoso.crm.dynamics.com", id: profileId, name: "Contoso", servertype: 0 });
    expect(only(run({ minpollingintervalinminutes: 15 }, [])).profile.pollingIntervalMinutes).toBe(15);
  });

  it("wants the channels whose delivery method is server-side synchronization", () => {
    const p = only(run({}, [box("a@contoso.com", { outgoingemaildeliverymethod: 1, actdeliverymethod: 2 }), box("b@contoso.com", { incomingemaildeliverymethod: 3, actdeliverymethod: 1 })]));
    expect(p.mailboxes.map((m) => m.config)).toEqual([
      { address: "a@contoso.com", approved: true, incoming: true, outgoing: false, appointmentsContactsTasks: false },
      { address: "b@contoso.com", approved: true, incoming: false, outgoing: true, appointmentsContactsTasks: true },
    ]);
  });

  it("approves on approval 1, and for Exchange Online only with the Microsoft 365 admin's approval too", () => {
    const boxes = () => [box("ok@contoso.com"), box("pending@contoso.com", { emailrouteraccessapproval: 2 }), box("m365@contoso.com", { isemailaddressapprovedbyo365admin: false })];
    const onPrem = only(run({}, boxes()));
    expect(onPrem.mailboxes.map((m) => m.config.approved)).toEqual([true, false, true]);
    const online = only(run({ incomingauthenticationprotocol: 4, incomingcredentialretrieval: 2, exchangeonlinetenantid: tenant, oauthclientid: app }, boxes(), map([{ id: profileId, clientSecretSetting: "APP_SECRET" }])));
    expect(online.profile.serverType).toBe("exchange-online");
    expect(online.mailboxes.map((m) => m.config.approved)).toEqual([true, false, false]);
    expect(online.credentials === "mapped" && online.profile.auth).toEqual({ kind: "oauth", tenantId: tenant, clientId: app, clientSecretSetting: "APP_SECRET", cloud: "public" });
  });

  it("carries synchronization's app (exchangeonlinetenantid, oauthclientid); the monitor signs in as it unless the map file names the monitor's own", () => {
    const online = { servertype: 0, incomingauthenticationprotocol: 4, incomingcredentialretrieval: 2, exchangeonlinetenantid: tenant, oauthclientid: app };
    const same = only(run(online, [], map([{ id: profileId, clientSecretSetting: "SYNC_APP_SECRET" }])));
    expect(same.profile.syncApp).toEqual({ tenantId: tenant, clientId: app });
    expect(same.credentials === "mapped" && same.profile.auth).toMatchObject({ kind: "oauth", tenantId: tenant, clientId: app });

    const monitorApp = "6731de76-14a6-49ae-97bc-6eba6914391e";
    const own = only(run(online, [], map([{ id: profileId, clientId: monitorApp, clientSecretSetting: "MONITOR_APP_SECRET" }])));
    expect(own.profile.syncApp).toEqual({ tenantId: tenant, clientId: app });
    expect(own.credentials === "mapped" && own.profile.auth).toMatchObject({ kind: "oauth", tenantId: tenant, clientId: monitorApp, clientSecretSetting: "MONITOR_APP_SECRET" });

    // Without credentials the profile is still imported, and what synchronization uses is known all the same.
    const pending = only(run(online, [], emptyMap));
    expect(pending.credentials).toBe("missing");
    expect(pending.profile.syncApp).toEqual({ tenantId: tenant, clientId: app });
  });

  it("leaves synchronization's app unknown where Dataverse lacks either id, and where readiness is never checked", () => {
    const oauthEntry = map([{ id: profileId, tenantId: tenant, clientId: app, clientSecretSetting: "S" }]);
    expect(only(run({ incomingauthenticationprotocol: 4, exchangeonlinetenantid: tenant }, [], oauthEntry)).profile.syncApp).toBeUndefined();
    expect(only(run({ incomingauthenticationprotocol: 4, oauthclientid: app }, [], oauthEntry)).profile.syncApp).toBeUndefined();
    // Exchange Server, and a hybrid profile that signs in with a password, have no readiness to speak for anyone.
    expect(only(run({ servertype: 2, incomingauthenticationprotocol: 2, exchangeonlinetenantid: tenant, oauthclientid: app }, [])).profile.syncApp).toBeUndefined();
    const hybridBasic = only(run({ servertype: 3, incomingauthenticationprotocol: 3, exchangeonlinetenantid: tenant, oauthclientid: app }, []));
    expect(hybridBasic.profile).toMatchObject({ serverType: "exchange-online-hybrid", auth: { kind: "basic" } });
    expect(hybridBasic.profile.syncApp).toBeUndefined();
  });

  it("maps server types and skips POP3, IMAP and unknown values with a clear reason", () => {
    expect(only(run({ servertype: 2, incomingauthenticationprotocol: 2 }, [])).profile).toMatchObject({ serverType: "exchange-server", auth: { kind: "ntlm" } });
    expect(only(run({ servertype: 3, incomingauthenticationprotocol: 3 }, [])).profile.serverType).toBe("exchange-online-hybrid");
    for (const [servertype, reason] of [
      [1, /unsupported server type 1 \(POP3\/SMTP\)/],
      [4, /unsupported server type 4 \(IMAP\/SMTP\)/],
      [7, /unsupported server type 7/],
    ] as const) {
      const result = run({ servertype }, [box("a@contoso.com")]);
      expect(result.profiles).toEqual([]);
      expect(result.skipped).toHaveLength(1);
      expect(result.skipped[0]).toMatchObject({ id: profileId });
      expect(result.skipped[0]!.reason).toMatch(reason);
    }
  });

  it("takes the server URLs when Autodiscover is off, and refuses plain http by name", () => {
    const p = only(run({ useautodiscover: false, incomingserverlocation: "https://mail.contoso.com/EWS/Exchange.asmx", outgoingserverlocation: null }, []));
    expect(p.profile).toMatchObject({ autodiscover: false, incomingUrl: "https://mail.contoso.com/EWS/Exchange.asmx", outgoingUrl: "https://mail.contoso.com/EWS/Exchange.asmx" });
    const http = run({ useautodiscover: false, incomingserverlocation: "http://mail.contoso.com/EWS/Exchange.asmx" }, []);
    expect(http.profiles).toEqual([]);
    expect(http.skipped[0]!.reason).toMatch(/incomingUrl must use https/);
  });

  it("imports a profile the map file does not cover as needs-credentials, saying what the map file must give", () => {
    const p = only(run({ incomingauthenticationprotocol: 2 }, [box("a@contoso.com")], emptyMap));
    expect(p.credentials).toBe("missing");
    expect(p.profile.auth).toEqual({ kind: "ntlm" });
    expect(p.credentials === "missing" && p.needs).toMatch(/Windows \(NTLM\).*username and passwordSetting/);
    expect(p.mailboxes).toHaveLength(1);
    const online = only(run({ incomingauthenticationprotocol: 4, incomingcredentialretrieval: 2, exchangeonlinetenantid: tenant }, [], map([{ id: profileId, clientSecretSetting: "S" }])));
    expect(online.credentials === "missing" && online.needs).toMatch(/clientId \(Dataverse has no oauthclientid\)/);
    expect(online.profile.auth).toEqual({ kind: "oauth", tenantId: tenant });
  });

  it("finds the map entry by name, and a map owner stands in for an owner without an address", () => {
    const byName = map([{ name: "contoso", username: "svc@contoso.com", passwordSetting: "PW", owner: "ops@contoso.com" }]);
    const p = only(run({}, [], byName, new Map([[ownerId, null]])));
    expect(p.profile.owner).toBe("ops@contoso.com");
    const teamOwned = run({}, [box("a@contoso.com")], map([basicEntry]), new Map([[ownerId, null]]));
    expect(teamOwned.profiles).toEqual([]);
    expect(teamOwned.skipped[0]!.reason).toMatch(/not a user with a primary email address \(a team\?\); give "owner" in the map file \(1 mailbox not imported\)$/);
  });

  it("skips a mailbox with an invalid, missing or repeated address, with its reason, and keeps the others", () => {
    const bad = box("jdoe at contoso.com");
    const none = box(null);
    const first = box("same@contoso.com");
    const again = box("SAME@contoso.com");
    const result = run({}, [bad, none, box("good@contoso.com"), first, again]);
    expect(only(result).mailboxes.map((m) => m.config.address)).toEqual(["good@contoso.com", "same@contoso.com"]);
    expect(result.skipped).toEqual([
      { id: bad.mailboxid, reason: 'mailbox of profile "Contoso": invalid email address "jdoe at contoso.com"' },
      { id: none.mailboxid, reason: 'mailbox of profile "Contoso": missing fields: emailaddress' },
      { id: again.mailboxid, reason: `mailbox of profile "Contoso": duplicate address same@contoso.com (also mailbox ${first.mailboxid})` },
    ]);
  });

  it("keeps a mailbox's newest error alerts, clipped so a stack trace fits the row, and names the profile by the map file's monitorId", () => {
    const failing = box("erin@contoso.com", { incomingemailstatus: 2 });
    const record = dvProfile({ emailserverprofileid: profileId, name: "Contoso", _ownerid_value: ownerId });
    const tracelogs = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ tracelogid: dvId(0x7a, i + 1), _regardingobjectid_value: failing.mailboxid, level: 3, tracecode: 60 + i, text: `alert ${i} ${"x".repeat(i === 6 ? 50_000 : 10)}`, createdon: new Date(Date.UTC(2026, 10, 30, 10, i)).toISOString() }));
    const result = mapRecords({
      environment: "https://contoso.crm.dynamics.com",
      profiles: [record],
      mailboxes: new Map([[profileId, [failing]]]),
      owners: new Map([[ownerId, "crm-admin@contoso.com"]]),
      tracelogs,
      map: map([{ ...basicEntry, monitorId: "contoso-ex2016" }]),
    });
    const p = only(result);
    expect(p.profile.id).toBe("contoso-ex2016");
    const alerts = p.mailboxes[0]!.alerts;
    expect(alerts.map((a) => a.code)).toEqual([66, 65, 64, 63, 62]);
    expect(alerts[0]!.text.length).toBeLessThanOrEqual(1000);
    const long = only(run({ lasttestexecutionstatus: 0, lasttestresponse: "trace ".repeat(10_000) }, [box("a@contoso.com")]));
    expect(long.lastTest.response?.length).toBeLessThanOrEqual(2000);
  });
});
