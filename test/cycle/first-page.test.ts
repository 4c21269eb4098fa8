import diagnostics from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileInput } from "../../lib/config/profile.js";
import { runProbe } from "../../lib/cycle/run.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import type { Storage } from "../../lib/store/storage.js";
import { readSummary } from "../../lib/store/summaries.js";
import { startSimulatedOrg, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { fullApp, graphOrg, tenant } from "../graph/support.js";
import { litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages } from "../support/probe-queue.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

/** 300 cloud mailboxes, in address order as the table keeps them: three pages of 100 for a shard of 10 connections. */
const addresses = Array.from({ length: 300 }, (_, i) => `box${String(i).padStart(3, "0")}@tailspintoys.com`);

function org(): OrgSpec {
  const base = graphOrg();
  return { ...base, mailboxes: [...base.mailboxes, ...addresses.map((address) => ({ address, server: "outlook.office365.com" }))] };
}

function profile(unapprovedFirst = 0): ProfileInput {
  return {
    id: "tailspin-paged",
    name: "Tailspin Toys (Graph, 300 mailboxes)",
    serverType: "exchange-online",
    owner: "m365-admin@tailspintoys.com",
    autodiscover: false,
    auth: { kind: "oauth", tenantId: tenant, clientId: fullApp.clientId, clientSecretSetting: "GRAPH_SECRET" },
    pollingIntervalMinutes: 5,
    maxConcurrentConnections: 10,
    mailboxes: addresses.map((address, i) => ({ address, approved: i >= unapprovedFirst })),
  };
}

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startSimulatedOrg(org());
});
afterAll(() => sim.stop());

/**
 * A cycle of the profile whose shard's second read of mailboxes (the rest after the first page) is held back 300 ms,
 * as a slow storage would: when the first Graph request and that read's answer happened, and what the cycle did.
 */
async function cycleWithSlowRest(storage: Storage, profileId: string, now: Date) {
  await runSchedule({ storage, now: () => now, probeQueue: queueOf(storage), shardSize: 1000 });
  const [message] = await drainProbeMessages(storage, queueOf(storage));
  const table = await storage.table("mailboxes");
  const at = { restAnswered: Number.POSITIVE_INFINITY, firstGraphRequest: Number.POSITIVE_INFINITY, mailboxReads: 0 };
  table.pipeline.addPolicy({
    name: "slow-rest",
    sendRequest: async (request, next) => {
      if (request.method !== "GET" || !new URL(request.url).searchParams.has("NextRowKey")) return next(request);
      at.mailboxReads += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const response = await next(request);
      at.restAnswered = Math.min(at.restAnswered, performance.now());
      return response;
    },
  });
  const onCreate = (event: unknown) => {
    const { request } = event as { request: { origin: string } };
    if (String(request.origin).includes("graph.microsoft.com")) at.firstGraphRequest = Math.min(at.firstGraphRequest, performance.now());
  };
  diagnostics.subscribe("undici:request:create", onCreate);
  sim.counters.reset();
  try {
    const result = await runProbe({ storage, probe: simEnvironment(sim, { GRAPH_SECRET: fullApp.secret }), now: () => now }, message!);
    return { message: message!, result, at, batches: sim.counters.graph.batches, summary: await readSummary(storage, profileId) };
  } finally {
    diagnostics.unsubscribe("undici:request:create", onCreate);
  }
}

const queues = new WeakMap<Storage, string>();
const queueOf = (storage: Storage) => queues.get(storage)!;

async function importedStorage(input: ProfileInput): Promise<Storage> {
  const settings = testSettings();
  const storage = testStorage(settings);
  queues.set(storage, settings.probeQueue);
  expect((await importProfile(storage, input)).ok).toBe(true);
  return storage;
}

describe("a Graph shard starts on the first page of its mailboxes", () => {
  it("the schedule asks a profile probed through Graph alone to read a first page, and no EWS profile", async () => {
    const storage = await importedStorage(profile());
    expect((await importProfile(storage, litwareProfile())).ok).toBe(true);
    await runSchedule({ storage, now: () => new Date("2026-12-01T10:00:00Z"), probeQueue: queueOf(storage), shardSize: 1000 });
    const messages = await drainProbeMessages(storage, queueOf(storage));
    expect(Object.fromEntries(messages.map((m) => [m.profileId, m.firstPage]))).toEqual({ "tailspin-paged": 100, litware: undefined });
  });

  it("checks while the rest is read, every mailbox once in whole batches of four, and rolls up all of them", async () => {
    const storage = await importedStorage(profile());
    const now = new Date("2026-12-01T10:00:00Z");
    const { message, result, at, batches, summary } = await cycleWithSlowRest(storage, "tailspin-paged", now);
    expect(message.firstPage).toBe(100);
    expect(result).toMatchObject({ kind: "probed", checked: 300, failed: 0, testConnection: "ran", rolledUp: true });
    // The rest (the mailboxes after the first hundred) was read once, and Graph was asked before it came.
    expect(at.mailboxReads).toBe(1);
    expect(at.firstGraphRequest).toBeLessThan(at.restAnswered);
    // 300 mailboxes in 75 batches: Test Connection's carries its mailbox and three more, none goes out with room.
    expect(batches).toBe(75);
    const records = await listMailboxes(storage, "tailspin-paged");
    expect(records.filter((m) => m.lastCycle === message.cycle)).toHaveLength(300);
    expect(summary?.lastHour).toMatchObject({ processed: 300, failed: 0 });
    expect(summary?.mailboxStates).toMatchObject({ enabled: 300 });
    expect(summary?.lastTestConnection?.steps.find((s) => s.step === "mailbox")).toMatchObject({ ok: true, address: addresses[0], addressFrom: "first-approved-mailbox" });
  });

  it("waits for every mailbox when the first page has none approved: Test Connection tests the first approved one, wherever it is", async () => {
    const storage = await importedStorage(profile(120));
    const now = new Date("2026-12-01T10:00:00Z");
    const { result, at, summary } = await cycleWithSlowRest(storage, "tailspin-paged", now);
    expect(result).toMatchObject({ kind: "probed", testConnection: "ran" });
    expect(at.firstGraphRequest).toBeGreaterThan(at.restAnswered);
    expect(summary?.lastTestConnection?.steps.find((s) => s.step === "mailbox")).toMatchObject({ ok: true, address: addresses[120], addressFrom: "first-approved-mailbox" });
    expect(summary?.mailboxStates).toMatchObject({ "pending-approval": 120 });
  });
});
