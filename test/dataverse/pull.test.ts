import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMapFile } from "../../lib/dataverse/map-file.js";
import { isEmptyPlan, planSync, type StoredMailboxState, type StoredProfileState } from "../../lib/dataverse/diff.js";
import { buildPull, readEnvironment } from "../../lib/dataverse/pull.js";
import { demoDataverseMap, demoProfileIds } from "../../sim/dataverse/index.js";
import { demoClientId, demoTenant, tailspinSyncClientId, wingtipClientId, wingtipTenant, type SimulatedOrg } from "../../sim/index.js";
import { demoContosoPull, simClient, startDataverseSim } from "./support.js";

function demoMap() {
  const parsed = parseMapFile(JSON.stringify(demoDataverseMap()));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.map;
}

describe("dataverse pull of the demo environment over HTTPS", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startDataverseSim();
  });
  afterAll(() => sim.stop());

  it("imports the Exchange profiles with their mailboxes, skips what it cannot use, and says why", async () => {
    const client = simClient(sim);
    const read = await readEnvironment(client);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const pull = buildPull(read.value, demoMap());
    const byId = new Map(pull.json.profiles.map((p) => [p.id, p]));
    expect(byId.get(demoProfileIds.contoso)).toEqual(demoContosoPull);
    expect(byId.get(demoProfileIds.tailspin)).toMatchObject({ serverType: "exchange-online", credentials: "mapped", mailboxCount: 3, approvedCount: 2, dynamics: { failingMailboxes: 2 } });
    expect(byId.get(demoProfileIds.northwind)?.dynamics).toEqual({ lastTest: "failure", failingMailboxes: 2 });
    expect(byId.get(demoProfileIds.woodgrove)).toMatchObject({ credentials: "missing", mailboxCount: 2 });
    expect(byId.has(demoProfileIds.litwarePop)).toBe(false);
    expect(byId.has(demoProfileIds.unknownType)).toBe(false);

    const reasons = pull.json.skipped.map((s) => s.reason);
    expect(pull.json.skipped.find((s) => s.id === demoProfileIds.unknownType)?.reason).toMatch(/unsupported server type 7/);
    expect(pull.json.skipped.find((s) => s.id === demoProfileIds.litwarePop)?.reason).toMatch(/unsupported server type 1 \(POP3\/SMTP\)/);
    expect(reasons.some((r) => /invalid email address "not-an-address"/.test(r))).toBe(true);
    expect(reasons.some((r) => /missing fields: emailaddress/.test(r))).toBe(true);
    expect(reasons.some((r) => /outlook-only@contoso\.com: no channel uses server-side synchronization/.test(r))).toBe(true);
    expect(reasons.join("\n")).not.toMatch(/retired@contoso/);

    const tailspin = pull.profiles.find((p) => p.source.id === demoProfileIds.tailspin);
    expect(tailspin?.credentials === "mapped" && tailspin.profile.auth).toMatchObject({ kind: "oauth", clientSecretSetting: "TAILSPIN_CLIENT_SECRET", tenantId: "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6" });
    // The app synchronization signs in as (exchangeonlinetenantid, oauthclientid): Tailspin's monitor signs in as
    // another one (the map file's clientId), Wingtip's as synchronization's own.
    expect(tailspin?.profile.syncApp).toEqual({ tenantId: demoTenant, clientId: tailspinSyncClientId });
    expect(tailspin?.credentials === "mapped" && tailspin.profile.auth.kind === "oauth" && tailspin.profile.auth.clientId).toBe(demoClientId);
    const wingtip = pull.profiles.find((p) => p.source.id === demoProfileIds.wingtip);
    expect(wingtip?.profile.syncApp).toEqual({ tenantId: wingtipTenant, clientId: wingtipClientId });
    expect(wingtip?.credentials === "mapped" && wingtip.profile.auth).toMatchObject({ tenantId: wingtipTenant, clientId: wingtipClientId });
    expect(pull.profiles.find((p) => p.source.id === demoProfileIds.contoso)?.profile.syncApp).toBeUndefined();
    const mallory = pull.profiles.find((p) => p.source.id === demoProfileIds.fabrikam)?.mailboxes.find((m) => m.config.address === "mallory@fabrikam.com");
    expect(mallory?.alerts.map((a) => a.level)).toEqual(["error"]);
    expect(mallory?.alerts[0]?.text).toMatch(/does not exist/);
    expect(client.requests).toBe(read.value.requests);
    expect(JSON.stringify(pull)).not.toContain("demo-dataverse-");
  });

  it("pulls the same plan twice when nothing changed, and drops a mailbox removed in Dataverse", async () => {
    const pullOnce = async () => {
      const read = await readEnvironment(simClient(sim));
      if (!read.ok) throw new Error(read.failure.message);
      return buildPull(read.value, demoMap()).profiles;
    };
    const first = planSync({ profiles: [], mailboxes: [] }, await pullOnce());
    const stored: { profiles: StoredProfileState[]; mailboxes: StoredMailboxState[] } = {
      profiles: first.profiles.create.map(({ profile, fingerprint }) => ({ id: profile.profile.id, source: "dataverse", fingerprint })),
      mailboxes: first.mailboxes.create.map((m) => ({ profileId: m.profileId, address: m.mailbox.config.address, fingerprint: m.fingerprint })),
    };
    expect(isEmptyPlan(planSync(stored, await pullOnce()))).toBe(true);

    const judy = [...sim.dataverse!.rows("mailboxes")].find((m) => m.emailaddress === "judy@fabrikam.com")!;
    sim.dataverse!.remove("mailboxes", String(judy.mailboxid));
    const after = planSync(stored, await pullOnce());
    expect(after.mailboxes.delete).toEqual([{ profileId: `dv-${demoProfileIds.fabrikam}`, address: "judy@fabrikam.com" }]);
    expect(after.mailboxes.create.length + after.mailboxes.update.length + after.profiles.update.length).toBe(0);
    sim.dataverse!.put("mailboxes", judy);
  });
});
