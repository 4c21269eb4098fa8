import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbe, type ProbeRunResult } from "../../lib/cycle/run.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import type { Storage } from "../../lib/store/storage.js";
import { demoProfiles } from "../../sim/demo-profiles.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cloudMailboxes, fullApp, graphOrg, tenant } from "../graph/support.js";
import { simEnvironment, startDemoSim } from "../support/sim.js";
import { scheduleOneMessage } from "../support/probe-queue.js";
import { testSettings, testStorage } from "../support/storage.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startDemoSim();
});
afterAll(() => sim.stop());

/** Two cycles of one demo profile; the second (steady: EWS URLs cached, token cached) is counted at the simulator. */
async function steadyCycle(profileId: string): Promise<{ result: Extract<ProbeRunResult, { kind: "probed" }>; storage: Storage; at: Date }> {
  const settings = testSettings();
  const storage = testStorage(settings);
  expect((await importProfile(storage, demoProfiles().find((p) => p.id === profileId)!)).ok).toBe(true);
  let now = new Date();
  const probe = simEnvironment(sim);
  const deps = () => ({ storage, probe, now: () => now });
  await runProbe(deps(), await scheduleOneMessage(storage, settings.probeQueue, now));
  now = new Date(now.getTime() + 6 * 60_000);
  const message = await scheduleOneMessage(storage, settings.probeQueue, now);
  sim.counters.reset();
  const result = await runProbe(deps(), message);
  if (result.kind !== "probed") throw new Error(`not probed: ${result.reason}`);
  return { result, storage, at: now };
}

describe("the cycle's Test Connection and its test mailbox", () => {
  it("EWS: the test mailbox is asked once, by Test Connection's EWS and mailbox steps, and that check is the cycle's", async () => {
    const { result, storage, at } = await steadyCycle("contoso-ex2016");
    expect(result.testConnection).toBe("ran");
    expect(result.checked).toBeGreaterThan(1);
    // One GetFolder per mailbox checked: Test Connection's EWS and mailbox steps are the test mailbox's own check.
    expect(sim.counters.requestCount(undefined, "/EWS/Exchange.asmx")).toBe(result.checked);
    const mailboxes = await listMailboxes(storage, "contoso-ex2016");
    const checked = mailboxes.filter((m) => m.lastCycle === result.cycle);
    expect(checked).toHaveLength(result.checked);
    const testMailbox = mailboxes.find((m) => m.approved)!;
    expect(testMailbox.lastCycle).toBe(result.cycle);
    expect(Date.parse(testMailbox.lastCheckedAt!)).toBe(at.getTime());
  });

  it("Graph: the test mailbox's folders go in Test Connection's batch only, never beside another batch for it", async () => {
    const { result } = await steadyCycle("tailspin-online");
    expect(result.testConnection).toBe("ran");
    const cloudChecked = result.checked;
    expect(cloudChecked).toBeGreaterThan(1);
    expect(sim.counters.graph.throttled).toBe(0);
    expect(sim.counters.peakMailboxConcurrency()).toBeLessThanOrEqual(4);
    // Test Connection's batch carries its mailbox and the others (three here): one batch in all.
    expect(cloudChecked).toBe(3);
    expect(sim.counters.graph.batches).toBe(1);
  });

  it("Graph: Test Connection's batch is filled with three of the cycle's mailboxes, each checked once and recorded", async () => {
    const org = await startSimulatedOrg(graphOrg());
    try {
      const settings = testSettings();
      const storage = testStorage(settings);
      const profile = {
        id: "tailspin-graph",
        name: "Tailspin Toys (Graph)",
        serverType: "exchange-online" as const,
        owner: "m365-admin@tailspintoys.com",
        autodiscover: false,
        auth: { kind: "oauth" as const, tenantId: tenant, clientId: fullApp.clientId, clientSecretSetting: "GRAPH_SECRET" },
        pollingIntervalMinutes: 5,
        maxConcurrentConnections: 3,
        mailboxes: cloudMailboxes.map((address) => ({ address, approved: true })),
      };
      expect((await importProfile(storage, profile)).ok).toBe(true);
      let now = new Date();
      const probe = simEnvironment(org, { GRAPH_SECRET: fullApp.secret });
      const deps = () => ({ storage, probe, now: () => now });
      await runProbe(deps(), await scheduleOneMessage(storage, settings.probeQueue, now));
      now = new Date(now.getTime() + 6 * 60_000);
      const message = await scheduleOneMessage(storage, settings.probeQueue, now);
      org.counters.reset();
      const result = await runProbe(deps(), message);
      expect(result).toMatchObject({ kind: "probed", checked: 16, failed: 0, testConnection: "ran" });
      // Sixteen mailboxes in four batches (not Test Connection's batch of one and then four more), never over the
      // limit, and no mailbox asked twice at once.
      expect(org.counters.graph.batches).toBe(4);
      expect(org.counters.graph.requests).toBe(16 * 5);
      expect(org.counters.peakMailboxConcurrency()).toBeLessThanOrEqual(4);
      expect(org.counters.connections().peak).toBeLessThanOrEqual(3);
      const records = await listMailboxes(storage, "tailspin-graph");
      expect(records.map((m) => [m.address, m.lastCycle, m.lastCheckedAt])).toEqual(cloudMailboxes.map((a) => [a, message.cycle, now.toISOString()]));
    } finally {
      await org.stop();
    }
  });
});
