import diagnostics from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbe } from "../../lib/cycle/run.js";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { importProfile } from "../../lib/profiles/import.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages } from "../support/probe-queue.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startSimulatedOrg(cycleOrganisation());
});
afterAll(() => sim.stop());

describe("a shard's first reads", () => {
  it("send the shard's mailboxes, the longest of them, after the share, the profile and the summary", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    expect((await importProfile(storage, litwareProfile())).ok).toBe(true);
    const now = () => new Date("2026-11-30T10:10:00Z");
    await runSchedule({ storage, now, probeQueue: settings.probeQueue, shardSize: 500 });
    const [message] = await drainProbeMessages(storage, settings.probeQueue);
    expect(message?.profileLimit).toBeDefined();

    // Steady state: the storage's tables are made (a table's first use makes it, and that request goes first).
    await Promise.all((["leases", "mailboxes", "profiles", "summaries"] as const).map((t) => storage.table(t)));
    const sent: string[] = [];
    const onStart = (event: unknown) => {
      const { request } = event as { request: { method: string; path: string } };
      const resource = decodeURIComponent(request.path.split("?")[0]!.split("/").slice(2).join("/")).replace(settings.tablePrefix, "");
      sent.push(`${request.method} ${resource.replace(/\(.*\)$/, "")}`);
    };
    diagnostics.subscribe("http.client.request.start", onStart);
    try {
      expect((await runProbe({ storage, probe: simEnvironment(sim, cycleSecrets), now }, message!)).kind).toBe("probed");
    } finally {
      diagnostics.unsubscribe("http.client.request.start", onStart);
    }
    const firstFour = sent.slice(0, 4);
    expect([...firstFour].sort()).toEqual(["GET mailboxes", "GET profiles", "GET summaries", "POST $batch"]);
    expect(firstFour[3]).toBe("GET mailboxes");
  });
});
