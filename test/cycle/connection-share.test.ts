import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runProbe } from "../../lib/cycle/run.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { testAndEnable } from "../../lib/on-demand/test-and-enable.js";
import { testConnectionNow } from "../../lib/on-demand/test-connection.js";
import { removeProfile } from "../../lib/profiles/delete.js";
import { importProfile } from "../../lib/profiles/import.js";
import { shareHolders } from "../../lib/store/leases.js";
import type { Storage } from "../../lib/store/storage.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages } from "../support/probe-queue.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

const limit = 4;
let sim: SimulatedOrg;

beforeAll(async () => {
  sim = await startSimulatedOrg(cycleOrganisation(40));
  // Slow enough that a cycle of 44 mailboxes at 4 connections lasts a few seconds: the runs below really overlap.
  for (const host of ["autodiscover.litware.com", "mail.litware.com", "mail2.litware.com"]) sim.setServer(host, { latencyMs: 60 });
}, 60_000);
afterAll(async () => {
  await sim?.stop();
});
beforeEach(() => sim.counters.reset());

const peak = () => sim.counters.connections({ group: "litware.com" }).peak;
const mailboxes = [..."1234"].map((n) => `ok${n}@litware.com`).concat(Array.from({ length: 40 }, (_, i) => `user${i}@litware.com`));

async function setUp(clock: { now: number }) {
  const settings = testSettings();
  const storage = testStorage(settings);
  expect((await importProfile(storage, { ...litwareProfile(mailboxes), maxConcurrentConnections: limit })).ok).toBe(true);
  const now = () => new Date(clock.now);
  const deps = { storage, probe: simEnvironment(sim, cycleSecrets), now };
  const schedule = () => runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 500 });
  const drain = () => drainProbeMessages(storage, settings.probeQueue);
  /** The schedule run once; its one message. */
  const scheduled = async () => {
    await schedule();
    const [message] = await drain();
    return message!;
  };
  return { storage, deps, schedule, drain, scheduled };
}

/** Resolves once a cycle holds its share and its connections are open at the simulator: the overlap has begun. */
async function cycleUnderWay(storage: Storage): Promise<string[]> {
  for (let i = 0; i < 400; i++) {
    const holders = await shareHolders(storage, "litware");
    if (holders.some((h) => h.label.startsWith("cycle")) && sim.counters.connections({ group: "litware.com" }).current > 0) return holders.map((h) => h.label);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the cycle never got under way");
}

describe("one profile's simultaneous connections stay within its limit across overlapping runs", () => {
  it("an on-demand Test Connection and a Test & Enable during a cycle", async () => {
    const clock = { now: Date.now() };
    const { storage, deps, schedule, drain } = await setUp(clock);
    await schedule();
    const [message] = await drain();
    const cycle = runProbe(deps, message!);
    expect(await cycleUnderWay(storage)).toEqual(["cycle 1 shard 1/1"]);
    const [tc, te, done] = await Promise.all([
      testConnectionNow(deps, "litware", {}),
      testAndEnable(deps, "litware", { addresses: ["ok1@litware.com", "user1@litware.com"] }),
      cycle,
    ]);
    expect(done).toMatchObject({ kind: "probed", checked: 44 });
    expect(tc.kind).toBe("done");
    expect(te.kind).toBe("done");
    expect(peak()).toBeGreaterThanOrEqual(2);
    expect(peak()).toBeLessThanOrEqual(limit);
    expect(await shareHolders(storage, "litware")).toEqual([]);
  }, 120_000);

  it("a cycle taken as abandoned while it still runs, and the next one", async () => {
    const clock = { now: Date.now() };
    const { storage, deps, schedule, drain } = await setUp(clock);
    await schedule();
    const [first] = await drain();
    const running = runProbe(deps, first!);
    await cycleUnderWay(storage);
    // Polling interval + 15 minutes later it is taken as abandoned: the schedule sends cycle 2 while cycle 1 runs.
    clock.now += (5 + 15) * 60_000 + 1_000;
    expect(await schedule()).toMatchObject([{ kind: "enqueued", cycle: 2 }]);
    const [second] = await drain();
    expect((await shareHolders(storage, "litware")).map((h) => h.label)).toEqual(["cycle 1 shard 1/1"]);
    const [a, b] = await Promise.all([running, runProbe(deps, second!)]);
    expect([a, b]).toMatchObject([{ kind: "probed", cycle: 1 }, { kind: "probed", cycle: 2 }]);
    expect(peak()).toBeGreaterThanOrEqual(2);
    expect(peak()).toBeLessThanOrEqual(limit);
  }, 120_000);

  it("a shard delivered again while it still runs", async () => {
    const clock = { now: Date.now() };
    const { storage, deps, schedule, drain } = await setUp(clock);
    await schedule();
    const [message] = await drain();
    const first = runProbe(deps, message!);
    await cycleUnderWay(storage);
    const [a, b] = await Promise.all([first, runProbe(deps, message!)]);
    // Between them every mailbox was checked once.
    expect((a as { checked: number }).checked + (b as { checked: number }).checked).toBe(44);
    expect(peak()).toBeGreaterThanOrEqual(2);
    expect(peak()).toBeLessThanOrEqual(limit);
  }, 120_000);

  it("a shard asks for its share while it reads the profile; a limit lowered since the plan gives it back and runs within the new one", async () => {
    const clock = { now: Date.now() };
    const { storage, deps, scheduled } = await setUp(clock);
    const message = await scheduled();
    expect(message.profileLimit).toBe(limit);
    expect((await importProfile(storage, { ...litwareProfile(mailboxes), maxConcurrentConnections: 2 })).ok).toBe(true);
    expect(await runProbe(deps, message)).toMatchObject({ kind: "probed", checked: 44 });
    expect(peak()).toBe(2);
    expect(await shareHolders(storage, "litware")).toEqual([]);
  }, 120_000);

  it("a profile deleted after its cycle was planned: the share asked for meanwhile is given back", async () => {
    const clock = { now: Date.now() };
    const { storage, deps, scheduled } = await setUp(clock);
    const message = await scheduled();
    expect(await removeProfile(storage, "litware")).toBe("deleted");
    expect(await runProbe(deps, message)).toMatchObject({ kind: "skipped", reason: "profile-not-found" });
    expect(await shareHolders(storage, "litware")).toEqual([]);
    expect(sim.counters.connections({ group: "litware.com" }).peak).toBe(0);
  }, 120_000);
});
