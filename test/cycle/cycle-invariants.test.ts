import type { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importProfile } from "../../lib/profiles/import.js";
import { runProbe } from "../../lib/cycle/run.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { readChecksEarly, readLastHour, rollUpCycle } from "../../lib/cycle/roll-up.js";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import { recordChecks } from "../../lib/store/checks.js";
import { getProfile } from "../../lib/store/profiles.js";
import { hourlyRow } from "../../lib/cycle/window.js";
import { startCycle } from "../../lib/store/cycles.js";
import { shareHolders } from "../../lib/store/leases.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { readSummary } from "../../lib/store/summaries.js";
import type { Storage } from "../../lib/store/storage.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { contosoProfile, cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages as drain } from "../support/probe-queue.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startSimulatedOrg(cycleOrganisation(1000));
});
afterAll(async () => {
  await sim.stop();
});

async function freshStorage(...profiles: ReturnType<typeof contosoProfile>[]) {
  const settings = testSettings();
  const storage = testStorage(settings);
  for (const p of profiles) expect((await importProfile(storage, p)).ok).toBe(true);
  return { settings, storage };
}

/** The storage whose `mailboxes` transactions go through `submit` (the table is there and readable). */
function withMailboxTransactions(storage: Storage, submit: (send: () => ReturnType<TableClient["submitTransaction"]>) => ReturnType<TableClient["submitTransaction"]>): Storage {
  const wrapped = (table: TableClient): TableClient =>
    new Proxy(table, {
      get: (target, name) => {
        if (name === "submitTransaction") return (...args: Parameters<TableClient["submitTransaction"]>) => submit(() => target.submitTransaction(...args));
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return { requests: storage.requests, pending: storage.pending, queue: (n) => storage.queue(n), table: async (n) => (n === "mailboxes" ? wrapped(await storage.table(n)) : storage.table(n)) };
}

const deps = (storage: Storage, now = () => new Date()) => ({ storage, probe: simEnvironment(sim, cycleSecrets), now });

describe("probe cycle invariants", () => {
  it("two concurrent schedule runs enqueue each due profile once", async () => {
    const { settings, storage } = await freshStorage(contosoProfile(), litwareProfile());
    const schedule = () => runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [a, b] = await Promise.all([schedule(), schedule()]);
    const enqueued = [...a, ...b].filter((o) => o.kind === "enqueued").map((o) => o.profileId).sort();
    expect(enqueued).toEqual(["contoso", "litware"]);
    const messages = await drain(storage, settings.probeQueue);
    expect(messages.map((m) => `${m.profileId}:${m.cycle}`).sort()).toEqual(["contoso:1", "litware:1"]);
    // Not due again until the polling interval has passed.
    expect((await schedule()).map((o) => o.kind)).toEqual(["not-due", "not-due"]);
  });

  it("holds the next cycle back while the previous one is still running", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    let clock = Date.now();
    const now = () => new Date(clock);
    const schedule = () => runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 500 });
    expect((await schedule())[0]).toMatchObject({ kind: "enqueued", cycle: 1 });
    const [message] = await drain(storage, settings.probeQueue);
    clock += 5 * 60_000;
    expect((await schedule())[0]).toEqual({ kind: "previous-cycle-running", profileId: "contoso", cycle: 1 });
    await runProbe(deps(storage, now), message!);
    expect((await schedule())[0]).toMatchObject({ kind: "enqueued", cycle: 2 });
  });

  it("a redelivered queue message changes nothing", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drain(storage, settings.probeQueue);
    const first = await runProbe(deps(storage), message!);
    expect(first).toMatchObject({ kind: "probed", checked: 6, testConnection: "ran" });
    const before = await snapshot(storage);
    storage.requests.reset();
    const again = await runProbe(deps(storage), message!);
    expect(again).toMatchObject({ kind: "probed", checked: 0, alreadyChecked: 6, testConnection: "already-ran" });
    expect(await snapshot(storage)).toEqual(before);
  });

  it("a sole shard marks its cycle done with the ETag the schedule gave it, never over a cycle row written since", async () => {
    const { settings, storage } = await freshStorage(contosoProfile(), litwareProfile(Array.from({ length: 600 }, (_, i) => `user${i}@litware.com`)));
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const messages = await drain(storage, settings.probeQueue);
    const contoso = messages.find((m) => m.profileId === "contoso")!;
    expect(contoso.cycleEtag).toEqual(expect.any(String));
    // Shards of one cycle race for the row: only a sole shard carries the schedule's ETag.
    expect(messages.filter((m) => m.profileId === "litware").map((m) => m.cycleEtag)).toEqual([undefined, undefined]);
    const cycles = await storage.table("cycles");
    const row = () => cycles.getEntity<{ cycle: number; shardsDone: string; rolledUp?: boolean }>("contoso", "current");

    expect(await runProbe(deps(storage), contoso)).toMatchObject({ kind: "probed", checked: 6, rolledUp: true });
    expect(await row()).toMatchObject({ cycle: 1, shardsDone: "[0]", rolledUp: true });

    // The next cycle's row is written after its message was made (another schedule run took over): the sole shard's
    // roll-up leaves it as it is, and a redelivery reads the row instead of trusting the message.
    await runSchedule({ storage, now: () => new Date(Date.now() + 6 * 60_000), probeQueue: settings.probeQueue, shardSize: 500 });
    const [next] = (await drain(storage, settings.probeQueue)).filter((m) => m.profileId === "contoso");
    await startCycle(storage, "contoso", 3, 1, new Date());
    await runProbe(deps(storage), next!);
    expect(await row()).toMatchObject({ cycle: 3, shardsDone: "[]" });
    expect((await row()).rolledUp).toBeUndefined();
  });

  it("a cycle's roll-up counts every result it recorded, even those of the roll-up's own millisecond", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    // The clock does not move during the cycle: every result is recorded at the instant the roll-up happens.
    const at = new Date("2026-11-30T10:20:00Z");
    await runSchedule({ storage, now: () => at, probeQueue: settings.probeQueue, shardSize: 500 });
    for (const m of await drain(storage, settings.probeQueue)) expect(await runProbe(deps(storage, () => at), m)).toMatchObject({ kind: "probed", checked: 6, rolledUp: true });
    const summary = (await readSummary(storage, "contoso"))!;
    expect(summary.lastHour).toMatchObject({ processed: 6, failed: 0 });
    expect(summary.hourly.find((h) => h.hour === "2026113010")).toMatchObject({ processed: 6 });
    expect(Date.parse(summary.lastHour.to)).toBeGreaterThan(at.getTime());
  });

  it("a sole shard's roll-up, from the rows read while it probed and its own results, equals the table's, across an hour too", async () => {
    const addresses = Array.from({ length: 12 }, (_, i) => `user${900 + i}@litware.com`);
    const { settings, storage } = await freshStorage(litwareProfile(addresses));
    let clock = Date.parse("2026-11-30T10:40:00Z");
    const now = () => new Date((clock += 3));
    const agreesWithTheTable = async () => {
      const summary = (await readSummary(storage, "litware"))!;
      const truth = await readLastHour(storage, "litware", new Date(summary.lastHour.to));
      expect(summary.lastHour).toMatchObject({ processed: truth.figures.processed, failed: truth.figures.failed });
      for (const hour of truth.hours) {
        const row = hourlyRow(truth.checks.filter((c) => c.hour === hour), hour);
        expect(summary.hourly.find((h) => h.hour === hour)).toMatchObject({ processed: row.processed, failed: row.failed });
      }
      return summary;
    };
    const cycle = async (failing: number[]) => {
      for (const i of failing) sim.setMailbox(addresses[i]!, { busy: 100 });
      try {
        await runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 500 });
        for (const m of await drain(storage, settings.probeQueue)) expect(await runProbe(deps(storage, now), m)).toMatchObject({ kind: "probed", rolledUp: true });
      } finally {
        for (const i of failing) sim.setMailbox(addresses[i]!, { busy: false });
      }
      return agreesWithTheTable();
    };
    expect((await cycle([1, 2, 3])).lastHour).toMatchObject({ processed: 12, failed: 3 });
    clock += 6 * 60_000;
    // The three recover; two others fail now, but each had a success in the window: none counts as failed.
    expect((await cycle([4, 5])).lastHour).toMatchObject({ processed: 12, failed: 0 });

    // Read at 10:59:59, rolled up at 11:00:01: the new hour holds only what was recorded since the read.
    const read = await readChecksEarly(storage, "litware", new Date("2026-11-30T10:59:59Z"));
    expect(read?.hours).toEqual(["2026113009", "2026113010"]);
    const busy = makeFailure("server-busy", { code: "ErrorServerBusy", message: "busy" });
    const recorded = [
      { address: addresses[6]!, at: new Date("2026-11-30T11:00:00.500Z"), outcome: { ok: false as const, failure: busy } },
      { address: addresses[7]!, at: new Date("2026-11-30T10:59:59.500Z"), outcome: { ok: true as const } },
    ];
    await recordChecks(storage, "litware", recorded);
    const stored = (await getProfile(storage, "litware"))!;
    await rollUpCycle(storage, stored, new Date("2026-11-30T11:00:01Z"), undefined, undefined, undefined, { read: read!, recorded });
    const across = await agreesWithTheTable();
    expect(across.hourly.find((h) => h.hour === "2026113011")).toMatchObject({ processed: 1, failed: 1 });
  });

  it("a sole shard's roll-up made while its last results are written is not marked done when they fail to be stored", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drain(storage, settings.probeQueue);
    // The mailbox records cannot be written (the table is there and readable; its transactions are refused).
    const writesDown = withMailboxTransactions(storage, () => Promise.reject(new Error("mailboxes: the transaction was refused")));
    await expect(runProbe(deps(writesDown), message!)).rejects.toThrow(/transaction was refused/);
    const cycles = await storage.table("cycles");
    expect((await cycles.getEntity<{ rolledUp?: boolean }>("contoso", "current")).rolledUp).toBeUndefined();
    // The redelivered message checks the mailboxes whose records were not stored, and rolls the cycle up.
    expect(await runProbe(deps(storage), message!)).toMatchObject({ kind: "probed", checked: 6, rolledUp: true });
    expect((await cycles.getEntity<{ rolledUp?: boolean }>("contoso", "current")).rolledUp).toBe(true);
    expect((await readSummary(storage, "contoso"))?.lastHour).toMatchObject({ processed: 6, failed: 0 });
  });

  it("a shard gives its connections back only once its last results are stored, so the next holder reads them", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drain(storage, settings.probeQueue);
    // The mailbox records' transaction is held until the test lets it go.
    let letGo: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    let writing: () => void = () => undefined;
    const startedWriting = new Promise<void>((resolve) => (writing = resolve));
    const slow = withMailboxTransactions(storage, async (submit) => (writing(), await held, submit()));
    const run = runProbe(deps(slow), message!);
    await startedWriting;
    await new Promise((r) => setTimeout(r, 100));
    expect((await shareHolders(storage, "contoso")).map((h) => h.label)).toEqual(["cycle 1 shard 1/1"]);
    letGo();
    expect(await run).toMatchObject({ kind: "probed", checked: 6 });
    expect(await shareHolders(storage, "contoso")).toEqual([]);
  });

  it("a roll-up that failed is done by the redelivered message", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drain(storage, settings.probeQueue);
    // The hourly table cannot be reached (a missing table is made again by the storage layer, so it must be unreachable).
    const hourlyDown: typeof storage = { requests: storage.requests, pending: storage.pending, queue: (n) => storage.queue(n), table: (n) => (n === "hourly" ? Promise.reject(new Error("hourly: connect ECONNREFUSED")) : storage.table(n)) };
    await expect(runProbe(deps(hourlyDown), message!)).rejects.toThrow(/ECONNREFUSED/);
    expect((await readSummary(storage, "contoso"))?.health).toBe("unknown");
    const again = await runProbe(deps(storage), message!);
    expect(again).toMatchObject({ kind: "probed", checked: 0, alreadyChecked: 6, rolledUp: true });
    expect((await readSummary(storage, "contoso"))?.lastHour).toMatchObject({ processed: 6, failed: 0 });
    expect(await runProbe(deps(storage), message!)).toMatchObject({ kind: "probed", rolledUp: false });
  });

  it("a missing secret setting fails Test Connection and leaves every mailbox as it was", async () => {
    const { settings, storage } = await freshStorage(contosoProfile());
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drain(storage, settings.probeQueue);
    const before = await listMailboxes(storage, "contoso");
    const probe = { ...simEnvironment(sim, cycleSecrets), env: {} };
    const result = await runProbe({ storage, probe, now: () => new Date() }, message!);
    expect(result).toMatchObject({ kind: "probed", checked: 0, testConnection: "ran" });
    expect(await listMailboxes(storage, "contoso")).toEqual(before);
    const summary = await readSummary(storage, "contoso");
    expect(summary?.lastTestConnection?.ok).toBe(false);
    expect(summary?.lastTestConnection?.steps[0]).toMatchObject({ step: "autodiscover", ok: false, error: { category: "credential-format" } });
    expect(summary?.health).toBe("failing");
  });

  it("asks Autodiscover again when a mailbox moves to another server", async () => {
    const { settings, storage } = await freshStorage(litwareProfile(["mover@litware.com"]));
    let clock = Date.now();
    const now = () => new Date(clock);
    const cycle = async () => {
      await runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 500 });
      for (const m of await drain(storage, settings.probeQueue)) await runProbe(deps(storage, now), m);
      clock += 5 * 60_000;
      return (await listMailboxes(storage, "litware"))[0]!;
    };
    const first = await cycle();
    expect(first.ewsUrl).toBe("https://mail.litware.com/EWS/Exchange.asmx");
    sim.setMailbox("mover@litware.com", { movedTo: "mail2.litware.com" });
    try {
      const second = await cycle();
      expect(second.state).toBe("enabled");
      expect(second.ewsUrl).toBe("https://mail2.litware.com/EWS/Exchange.asmx");
      expect(second.ewsUrlDiscoveredAt).not.toBe(first.ewsUrlDiscoveredAt);
    } finally {
      sim.setMailbox("mover@litware.com", { movedTo: null });
    }
  });

  it("a sole shard of 1,000 mailboxes, which folds its results into the window while its last answers come, rolls up what the table holds", async () => {
    const addresses = Array.from({ length: 1000 }, (_, i) => `user${i}@litware.com`);
    const { settings, storage } = await freshStorage(litwareProfile(addresses));
    let clock = Date.parse("2026-11-30T10:40:00Z");
    const now = () => new Date((clock += 3));
    const cycle = async (failing: number[]) => {
      for (const i of failing) sim.setMailbox(addresses[i]!, { busy: 100 });
      try {
        await runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 1000 });
        const messages = await drain(storage, settings.probeQueue);
        expect(messages).toHaveLength(1);
        expect(await runProbe(deps(storage, now), messages[0]!)).toMatchObject({ kind: "probed", checked: 1000, rolledUp: true });
      } finally {
        for (const i of failing) sim.setMailbox(addresses[i]!, { busy: false });
      }
      const summary = (await readSummary(storage, "litware"))!;
      const truth = await readLastHour(storage, "litware", new Date(summary.lastHour.to));
      expect(summary.lastHour).toMatchObject({ processed: truth.figures.processed, failed: truth.figures.failed });
      return summary.lastHour;
    };
    expect(await cycle([1, 2, 3])).toMatchObject({ processed: 1000, failed: 3 });
    clock += 6 * 60_000;
    // Two fail now, but had a success in the window; the three of the first cycle recover.
    expect(await cycle([7, 8])).toMatchObject({ processed: 1000, failed: 0 });
  }, 120_000);

  it("keeps 1,000 mailboxes in 3 shards within the profile's connection limit", async () => {
    const addresses = Array.from({ length: 1000 }, (_, i) => `user${i}@litware.com`);
    const { settings, storage } = await freshStorage(litwareProfile(addresses));
    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 400 });
    const messages = await drain(storage, settings.probeQueue);
    expect(messages.map((m) => m.maxConnections)).toEqual([4, 3, 3]);
    sim.counters.reset();
    const results = await Promise.all(messages.map((m) => runProbe(deps(storage), m)));
    expect(results.reduce((n, r) => n + (r.kind === "probed" ? r.checked : 0), 0)).toBe(1000);
    expect(results.filter((r) => r.kind === "probed" && r.rolledUp)).toHaveLength(1);
    expect(sim.counters.connections({ group: "litware.com" }).peak).toBeLessThanOrEqual(10);
    expect(sim.counters.connections({ group: "litware.com" }).peak).toBeGreaterThan(3);
    const states = await listMailboxes(storage, "litware");
    expect(states.filter((m) => m.state === "enabled")).toHaveLength(1000);
  }, 120_000);
});

async function snapshot(storage: Storage) {
  const read = async (name: "mailboxes" | "checks" | "alerts" | "hourly" | "summaries" | "connection") => {
    const rows: unknown[] = [];
    for await (const e of (await storage.table(name)).listEntities()) rows.push({ ...e, etag: undefined, timestamp: undefined });
    return rows;
  };
  return {
    mailboxes: await read("mailboxes"),
    checks: await read("checks"),
    alerts: await read("alerts"),
    connection: await read("connection"),
    hourly: await read("hourly"),
    summaries: await read("summaries"),
  };
}
