import { describe, expect, it } from "vitest";
import { mapRecords, type ImportedProfile } from "../../lib/dataverse/map-records.js";
import { parseMapFile } from "../../lib/dataverse/map-file.js";
import { profileAgreements, agreementKinds } from "../../lib/dataverse/verdict.js";
import { mailboxRecord, profileRecord } from "../../lib/dataverse/wire.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { demoDataverse, demoDataverseMap } from "../../sim/dataverse/index.js";

/**
 * What the monitor's probe finds for the demo mailboxes in the simulated Exchange (sim/demo.ts): Fabrikam's
 * mallory, niaj, olivia, rupert, sybil and trent fail; Northwind fails every mailbox (Basic is off on its EWS);
 * everything else that is approved passes.
 */
const probeFails = new Set(["mallory", "niaj", "olivia", "rupert", "sybil", "trent"].map((n) => `${n}@fabrikam.com`).concat(["uma", "walter", "xena"].map((n) => `${n}@northwind.com`)));

function stored(profileId: string, address: string, approved: boolean): MailboxRecord {
  const at = "2026-11-30T11:59:00Z";
  const base: MailboxRecord = { profileId, address, approved, wanted: { incoming: true, outgoing: true, appointmentsContactsTasks: true }, state: approved ? "enabled" : "pending-approval", channels: { incoming: "not-run", outgoing: "not-run", appointmentsContactsTasks: "not-run" }, consecutiveFailures: 0 };
  if (!approved) return base;
  return probeFails.has(address)
    ? { ...base, state: "retrying", lastCheckedAt: at, lastError: { category: "mailbox-not-found", code: "x", transient: false, message: "m", remediation: "r" } }
    : { ...base, lastCheckedAt: at, lastSuccessAt: at };
}

describe("the demo environment's verdicts beside the simulated Exchange", () => {
  it("shows every agreement class in the demo profiles, with the CRM cause named", () => {
    const now = Date.parse("2026-11-30T12:00:00Z");
    const spec = demoDataverse(now);
    const parsedMap = parseMapFile(JSON.stringify(demoDataverseMap()));
    if (!parsedMap.ok) throw new Error("map");
    const mailboxes = new Map<string, ReturnType<typeof mailboxRecord.parse>[]>();
    for (const m of spec.mailboxes.filter((m) => m.statecode === 0)) {
      const key = m._emailserverprofile_value!.toLowerCase();
      mailboxes.set(key, [...(mailboxes.get(key) ?? []), mailboxRecord.parse(m)]);
    }
    const { profiles } = mapRecords({
      environment: "https://demo.crm.dynamics.com",
      profiles: spec.emailserverprofiles.map((p) => profileRecord.parse(p)),
      mailboxes,
      owners: new Map(spec.systemusers.map((u) => [u.systemuserid, u.internalemailaddress])),
      tracelogs: [],
      map: parsedMap.map,
    });
    const classify = (p: ImportedProfile) =>
      profileAgreements(
        p.mailboxes.map((m) => ({ address: m.config.address, dynamics: m.dynamics })),
        new Map(p.mailboxes.map((m) => [m.config.address, stored(p.profile.id, m.config.address, m.config.approved)])),
        p.profile.serverType,
        p.credentials,
        now,
      );
    const byName = new Map(profiles.map((p) => [p.profile.name, classify(p)]));
    const kindOf = (profile: string, address: string) => byName.get(profile)?.mailboxes.find((m) => m.address === address)?.agreement;

    expect(kindOf("Contoso Exchange 2016", "erin@contoso.com")).toMatchObject({ kind: "dynamics-fails-probe-passes", cause: { kind: "postponed" } });
    expect(kindOf("Contoso Exchange 2016", "frank@contoso.com")).toMatchObject({ kind: "not-compared", missing: "probe", cause: { kind: "not-approved", approval: "pending" } });
    expect(kindOf("Tailspin Toys Exchange Online", "quinn@tailspintoys.com")).toMatchObject({ kind: "dynamics-fails-probe-passes", cause: { kind: "mailbox-settings", channels: ["outgoing"] } });
    expect(kindOf("Tailspin Toys Exchange Online", "yara@tailspintoys.com")).toMatchObject({ kind: "not-compared", cause: { kind: "pending-microsoft-365-admin-approval" } });
    expect(kindOf("Fabrikam Exchange 2019", "olivia@fabrikam.com")).toEqual({ kind: "probe-fails-dynamics-passes" });
    expect(kindOf("Fabrikam Exchange 2019", "mallory@fabrikam.com")).toEqual({ kind: "both-fail" });
    expect(kindOf("Woodgrove Exchange 2019", "ana@woodgrovebank.com")).toMatchObject({ kind: "not-compared", probeReason: "needs-credentials" });
    expect(byName.get("Fabrikam Exchange 2019")?.counts).toEqual({ "both-fail": 4, "dynamics-fails-probe-passes": 0, "probe-fails-dynamics-passes": 2, "both-pass": 4, "not-compared": 0 });

    const total = Object.fromEntries(agreementKinds.map((k) => [k, [...byName.values()].reduce((n, c) => n + c.counts[k], 0)]));
    for (const kind of agreementKinds) expect(total[kind], kind).toBeGreaterThan(0);
  });
});
