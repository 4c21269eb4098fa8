import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { loadSettings } from "../../lib/config/settings.js";
import { syncDataverse, type DataverseSyncContext } from "../../lib/profiles/dataverse-sync.js";
import { readDynamics } from "../../lib/store/dynamics.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { getProfile, listProfiles } from "../../lib/store/profiles.js";
import { tableNames, type Storage } from "../../lib/store/storage.js";
import { readSummary } from "../../lib/store/summaries.js";
import { importProfile } from "../../lib/profiles/import.js";
import { demoDataverseClientId, demoDataverseHost, demoDataverseSettings, generateDataverse } from "../../sim/dataverse/index.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { startDataverseSim } from "../dataverse/support.js";
import { testStorage, uniqueName } from "../support/storage.js";
import { runSchedule } from "../../lib/cycle/schedule.js";

const big = "000000e5-0000-4000-8000-000000001000";
const small = "000000e5-0000-4000-8000-000000001001";

/** Every row of every table with its ETag: equal before and after means nothing was written. */
async function snapshot(storage: Storage): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for (const name of tableNames) for await (const e of (await storage.table(name)).listEntities()) rows.set(`${name}/${e.partitionKey}/${e.rowKey}`, e.etag);
  return rows;
}

describe("dataverse sync into Table Storage (simulator over HTTPS, Azurite)", () => {
  let sim: SimulatedOrg;
  let dir: string;
  beforeAll(async () => {
    const dataverse = generateDataverse({ host: demoDataverseHost, applicationUsers: [demoDataverseClientId], mailboxesPerProfile: [5000, 4], invalidEvery: 1667, failEvery: 1000 });
    sim = await startDataverseSim(dataverse);
    dir = await mkdtemp(join(tmpdir(), "dv-sync-"));
    await writeFile(join(dir, "map.json"), JSON.stringify({ profiles: [{ name: "Generated profile 0", username: "svc@generated-0.example", passwordSetting: "GEN_PW" }] }));
  });
  afterAll(() => sim.stop());

  const context = (storage: Storage): DataverseSyncContext => {
    const env = { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: join(dir, "map.json") };
    return {
      settings: loadSettings(env),
      storage,
      now: () => new Date(),
      probe: { env, network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) }, tokens: new TokenCache() },
    };
  };

  it("lands every mailbox of a 5,000-mailbox profile once (pages of 1,000), skips invalid addresses with their reason, and writes nothing the second time", async () => {
    const storage = testStorage();
    const ctx = context(storage);
    sim.dataverse!.resetCounters();
    const first = await syncDataverse(ctx, { pageSize: 1000 });
    expect(first.kind).toBe("synced");
    if (first.kind !== "synced") return;
    expect(sim.dataverse!.counters.pages.mailboxes).toBeGreaterThanOrEqual(5);
    const invalid = first.skipped.filter((s) => /invalid email address/.test(s.reason));
    expect(invalid.map((s) => s.reason)).toEqual([
      'mailbox of profile "Generated profile 0": invalid email address "user-0-1666 at generated-0.example"',
      'mailbox of profile "Generated profile 0": invalid email address "user-0-3333 at generated-0.example"',
      'mailbox of profile "Generated profile 1": invalid email address "user-1-0 at generated-1.example"',
    ]);
    const mailboxes = await listMailboxes(storage, `dv-${big}`);
    expect(mailboxes).toHaveLength(4998);
    expect(new Set(mailboxes.map((m) => m.address)).size).toBe(4998);
    expect(await readDynamics(storage, `dv-${big}`)).toHaveLength(4998);
    expect(first.counts.mailboxes).toEqual({ created: 5001, updated: 0, deleted: 0, unchanged: 0 });

    const stored = await getProfile(storage, `dv-${big}`);
    expect(stored?.origin).toMatchObject({ credentials: "mapped", source: { kind: "dataverse", id: big, name: "Generated profile 0" } });
    expect(stored?.profile.auth).toEqual({ kind: "basic", username: "svc@generated-0.example", passwordSetting: "GEN_PW" });
    const needs = await getProfile(storage, `dv-${small}`);
    expect(needs?.origin).toMatchObject({ credentials: "missing", needs: expect.stringMatching(/the map file must give username and passwordSetting/) });
    const summary = await readSummary(storage, `dv-${big}`);
    expect(summary?.dynamics?.agreement).toEqual({ "both-fail": 0, "dynamics-fails-probe-passes": 0, "probe-fails-dynamics-passes": 0, "both-pass": 0, "not-compared": 4998 });
    expect(summary?.mailboxStates.enabled).toBe(4998);
    const failing = (await readDynamics(storage, `dv-${big}`)).filter((r) => r.verdict.statuses.incoming === "failure");
    expect(failing).toHaveLength(5);
    expect(failing.every((r) => r.alerts.length === 1 && /Unable to connect/.test(r.alerts[0]!.text))).toBe(true);

    const before = await snapshot(storage);
    storage.requests.reset();
    const second = await syncDataverse(ctx, { pageSize: 1000 });
    expect(second.kind === "synced" && second.counts.mailboxes).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 5001 });
    expect(await snapshot(storage)).toEqual(before);
  });

  it("removes a mailbox removed in Dataverse, and a profile removed in Dataverse with everything stored about it; leaves other profiles alone", async () => {
    const storage = testStorage();
    const ctx = context(storage);
    const handWritten = await importProfile(storage, {
      id: "contoso-ex2016",
      name: "Contoso",
      serverType: "exchange-server",
      owner: "o@contoso.com",
      autodiscover: true,
      auth: { kind: "basic", username: "svc@contoso.com", passwordSetting: "PW" },
      mailboxes: [{ address: "a@contoso.com", approved: true }],
    });
    expect(handWritten.ok).toBe(true);
    await syncDataverse(ctx);
    const gone = [...sim.dataverse!.rows("mailboxes")].find((m) => m.emailaddress === "user-1-2@generated-1.example")!;
    const profile = [...sim.dataverse!.rows("emailserverprofiles")].find((p) => p.emailserverprofileid === small)!;
    sim.dataverse!.remove("mailboxes", String(gone.mailboxid));
    try {
      const after = await syncDataverse(ctx);
      expect(after.kind === "synced" && after.counts.mailboxes.deleted).toBe(1);
      expect((await listMailboxes(storage, `dv-${small}`)).map((m) => m.address)).not.toContain("user-1-2@generated-1.example");
      expect((await readDynamics(storage, `dv-${small}`)).map((r) => r.address)).not.toContain("user-1-2@generated-1.example");

      sim.dataverse!.remove("emailserverprofiles", small);
      const removed = await syncDataverse(ctx);
      expect(removed.kind === "synced" && removed.counts.profiles.deleted).toBe(1);
      expect((await listProfiles(storage)).map((p) => p.profile.id).sort()).toEqual(["contoso-ex2016", `dv-${big}`]);
      expect(await listMailboxes(storage, `dv-${small}`)).toEqual([]);
      expect(await readDynamics(storage, `dv-${small}`)).toEqual([]);
      expect(await readSummary(storage, `dv-${small}`)).toBeUndefined();
      expect(await listMailboxes(storage, "contoso-ex2016")).toHaveLength(1);
    } finally {
      sim.dataverse!.put("mailboxes", gone);
      sim.dataverse!.put("emailserverprofiles", profile);
    }
  });

  it("retries a 429 after its Retry-After and syncs (the schedule skips the profile that needs credentials); a refused read writes nothing", async () => {
    const storage = testStorage();
    sim.dataverse!.resetCounters();
    sim.dataverse!.setKnobs({ throttleNext: 1, retryAfterSeconds: 1 });
    const synced = await syncDataverse(context(storage));
    expect(synced.kind).toBe("synced");
    expect(sim.dataverse!.counters.throttled).toBe(1);
    expect((await listProfiles(storage)).length).toBe(2);
    const scheduled = await runSchedule({ storage, now: () => new Date(), probeQueue: uniqueName("probe-"), shardSize: 500 });
    expect(scheduled.map((o) => [o.profileId, o.kind]).sort()).toEqual([
      [`dv-${big}`, "enqueued"],
      [`dv-${small}`, "needs-credentials"],
    ]);

    const empty = testStorage();
    sim.dataverse!.setKnobs({ throttleNext: 100, retryAfterSeconds: 1 });
    try {
      const busy = await syncDataverse(context(empty), { throttle: { maxRetries: 1 } });
      expect(busy.kind === "unreadable" && busy.failure.category).toBe("server-busy");
    } finally {
      sim.dataverse!.setKnobs({ throttleNext: 0 });
    }
    expect(await snapshot(empty)).toEqual(new Map());
  });
});
