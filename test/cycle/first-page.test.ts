import diagnostics from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProfileInput } from "../../lib/config/profile.js";
import { runProbe } from "../../lib/cycle/run.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import type { Storage } from "../../lib/store/storage.js";
import { readSummary } from "../../lib/store/summaries.js";
import { shareHolders } from "../../lib/store/leases.js";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { startSimulatedOrg, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { fullApp, graphOrg, tenant } from "../graph/support.js";
import { litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages, scheduleOneMessage } from "../support/probe-queue.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

/** 300 cloud mailboxes, in address order as the table keeps them: a first page of 100 for a shard of 10 connections, then the rest. */
const addresses = Array.from({ length: 300 }, (_, i) => `box${String(i).padStart(3, "0")}@tailspintoys.com`);

function org(): OrgSpec {
  const base = graphOrg();
  return { ...base, mailboxes: [...base.mailboxes, ...addresses.map((address) => ({ address, server: "outlook.office365.com" }))] };
}

/** `unapproved`: the indices of mailboxes waiting for approval (not checked by a cycle). */
function profile(unapproved: (i: number) => boolean = () => false): ProfileInput {
  return {
    id: "tailspin-paged",
    name: "Tailspin Toys (Graph, 300 mailboxes)",
    serverType: "exchange-online",
    owner: "m365-admin@tailspintoys.com",
    autodiscover: false,
    auth: { kind: "oauth", tenantId: tenant, clientId: fullApp.clientId, clientSecretSetting: "GRAPH_SECRET" },
    pollingIntervalMinutes: 5,
    maxConcurrentConnections: 10,
    mailboxes: addresses.map((address, i) => ({ address, approved: !unapproved(i) })),
  };
}

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startSimulatedOrg(org());
});
afterAll(() => sim.stop());

/**
 * A cycle of the profile whose shard's read of the rest (the mailboxes after the first page) is held back until Graph
 * is first asked, or a second has passed: when each happened, and what the cycle did. `refuseRest`: storage refuses
 * that read instead.
 */
async function cycleWithHeldRest({ storage, probeQueue }: Imported, profileId: string, now: Date, options: { refuseRest?: boolean; slowChecksRead?: boolean } = {}) {
  const message = await scheduleOneMessage(storage, probeQueue, now);
  const table = await storage.table("mailboxes");
  const at = { restAnswered: Number.POSITIVE_INFINITY, firstGraphRequest: Number.POSITIVE_INFINITY, restReads: 0, checksReadEnded: 0, runEnded: 0 };
  if (options.slowChecksRead) {
    // The window's checks, read from the first answer on, answered 300 ms late.
    (await storage.table("checks")).pipeline.addPolicy({
      name: "slow-checks-read",
      sendRequest: async (request, next) => {
        if (request.method !== "GET") return next(request);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const response = await next(request);
        at.checksReadEnded = performance.now();
        return response;
      },
    });
  }
  let graphAsked!: () => void;
  const graphWasAsked = new Promise<void>((resolve) => (graphAsked = resolve));
  table.pipeline.addPolicy({
    name: "held-rest",
    sendRequest: async (request, next) => {
      if (request.method !== "GET" || !new URL(request.url).searchParams.has("NextRowKey")) return next(request);
      at.restReads += 1;
      await Promise.race([graphWasAsked, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      const response = options.refuseRest ? { request, status: 400, headers: createHttpHeaders(), bodyAsText: JSON.stringify({ "odata.error": { code: "InvalidInput", message: { value: "refused" } } }) } : await next(request);
      at.restAnswered = Math.min(at.restAnswered, performance.now());
      return response;
    },
  });
  const onCreate = (event: unknown) => {
    const { request } = event as { request: { origin: string } };
    if (!String(request.origin).includes("graph.microsoft.com")) return;
    at.firstGraphRequest = Math.min(at.firstGraphRequest, performance.now());
    graphAsked();
  };
  diagnostics.subscribe("undici:request:create", onCreate);
  sim.counters.reset();
  try {
    const run = await runProbe({ storage, probe: simEnvironment(sim, { GRAPH_SECRET: fullApp.secret }), now: () => now }, message!).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    at.runEnded = performance.now();
    return { message: message!, run, at, batches: sim.counters.graph.batches, summary: await readSummary(storage, profileId) };
  } finally {
    diagnostics.unsubscribe("undici:request:create", onCreate);
  }
}

/** A storage of its own with the profile imported, and its probe queue. */
interface Imported {
  storage: Storage;
  probeQueue: string;
}

async function imported(input: ProfileInput): Promise<Imported> {
  const settings = testSettings();
  const storage = testStorage(settings);
  expect((await importProfile(storage, input)).ok).toBe(true);
  return { storage, probeQueue: settings.probeQueue };
}

describe("a Graph shard starts on the first page of its mailboxes", () => {
  it("the schedule asks a profile probed through Graph alone to read a first page, and no EWS profile", async () => {
    const { storage, probeQueue } = await imported(profile());
    expect((await importProfile(storage, litwareProfile())).ok).toBe(true);
    await runSchedule({ storage, now: () => new Date("2026-12-01T10:00:00Z"), probeQueue, shardSize: 1000 });
    const messages = await drainProbeMessages(storage, probeQueue);
    expect(Object.fromEntries(messages.map((m) => [m.profileId, m.firstPage]))).toEqual({ "tailspin-paged": 100, litware: undefined });
  });

  it("checks while the rest is read, every mailbox once in whole batches of four, and rolls up all of them", async () => {
    // Three of the first page and three of the rest wait for approval: 93 of the first page go out beside Test
    // Connection's batch of four, so one of them waits for the rest instead of going out in a batch of its own.
    const waiting = new Set([10, 11, 12, 150, 151, 152]);
    const setup = await imported(profile((i) => waiting.has(i)));
    const { storage } = setup;
    const now = new Date("2026-12-01T10:00:00Z");
    const { message, run, at, batches, summary } = await cycleWithHeldRest(setup, "tailspin-paged", now);
    expect(message.firstPage).toBe(100);
    expect(run).toMatchObject({ ok: true, result: { kind: "probed", checked: 294, failed: 0, testConnection: "ran", rolledUp: true } });
    // The rest (the mailboxes after the first hundred) was read once, and Graph was asked before it came.
    expect(at.restReads).toBe(1);
    expect(at.firstGraphRequest).toBeLessThan(at.restAnswered);
    // 294 mailboxes in 74 batches (⌈294/4⌉): none went out with room while more were coming.
    expect(batches).toBe(74);
    const records = await listMailboxes(storage, "tailspin-paged");
    expect(records.filter((m) => m.lastCycle === message.cycle)).toHaveLength(294);
    expect(summary?.lastHour).toMatchObject({ processed: 294, failed: 0 });
    expect(summary?.mailboxStates).toMatchObject({ enabled: 294, "pending-approval": 6 });
    expect(summary?.lastTestConnection?.steps.find((s) => s.step === "mailbox")).toMatchObject({ ok: true, address: addresses[0], addressFrom: "first-approved-mailbox" });
  });

  it("waits for every mailbox when the first page has none approved: Test Connection tests the first approved one, wherever it is", async () => {
    const setup = await imported(profile((i) => i < 120));
    const now = new Date("2026-12-01T10:00:00Z");
    const { run, at, summary } = await cycleWithHeldRest(setup, "tailspin-paged", now);
    expect(run).toMatchObject({ ok: true, result: { kind: "probed", testConnection: "ran" } });
    expect(at.firstGraphRequest).toBeGreaterThan(at.restAnswered);
    expect(summary?.lastTestConnection?.steps.find((s) => s.step === "mailbox")).toMatchObject({ ok: true, address: addresses[120], addressFrom: "first-approved-mailbox" });
    expect(summary?.mailboxStates).toMatchObject({ "pending-approval": 120 });
  });

  it("keeps what it checked when storage refuses the rest, gives its connections back, and throws for the message to come again", async () => {
    const setup = await imported(profile());
    const { storage } = setup;
    const now = new Date("2026-12-01T10:00:00Z");
    const { message, run, at } = await cycleWithHeldRest(setup, "tailspin-paged", now, { refuseRest: true, slowChecksRead: true });
    expect(run).toMatchObject({ ok: false, error: { statusCode: 400 } });
    expect(at.firstGraphRequest).toBeLessThan(at.restAnswered);
    // The window's read begun at the first answer ended before the shard did: no request was left in flight.
    expect(at.checksReadEnded).toBeGreaterThan(0);
    expect(at.checksReadEnded).toBeLessThan(at.runEnded);
    // The first page's hundred were checked and recorded (a redelivery skips them), none of the rest.
    const records = await listMailboxes(storage, "tailspin-paged");
    expect(records.filter((m) => m.lastCycle === message.cycle).map((m) => m.address)).toEqual(addresses.slice(0, 100));
    expect(await shareHolders(storage, "tailspin-paged")).toEqual([]);
  });
});
