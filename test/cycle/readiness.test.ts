import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbe } from "../../lib/cycle/run.js";
import { testConnectionNow } from "../../lib/on-demand/test-connection.js";
import { importProfile } from "../../lib/profiles/import.js";
import { readinessDue } from "../../lib/recording/readiness.js";
import { readSummary } from "../../lib/store/summaries.js";
import { demoProfiles } from "../../sim/demo-profiles.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { simEnvironment, startDemoSim } from "../support/sim.js";
import { scheduleOneMessage } from "../support/probe-queue.js";
import { testSettings, testStorage } from "../support/storage.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startDemoSim();
});
afterAll(() => sim.stop());

/** EWS requests the readiness check sends: one authenticated POST to Exchange Online's EWS per check. */
const ewsAsks = () => sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx");

describe("readiness in the probe cycle", () => {
  it("is due when missing, a day old, or dated in the future", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    expect(readinessDue(undefined, now)).toBe(true);
    expect(readinessDue({ checkedAt: "2026-11-30T00:00:01Z" }, now)).toBe(false);
    expect(readinessDue({ checkedAt: "2026-11-29T12:00:00Z" }, now)).toBe(true);
    expect(readinessDue({ checkedAt: "2026-11-30T13:00:00Z" }, now)).toBe(true);
  });

  it("is checked once a day per Exchange Online profile, through its kind, and kept on the summary", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    const wingtip = demoProfiles().find((p) => p.id === "wingtip-online")!;
    expect((await importProfile(storage, wingtip)).ok).toBe(true);
    const probe = simEnvironment(sim);
    const deps = (now: Date) => ({ storage, probe, now: () => now });
    let now = new Date();

    sim.counters.reset();
    await runProbe(deps(now), await scheduleOneMessage(storage, settings.probeQueue, now));
    const first = (await readSummary(storage, "wingtip-online"))!.readiness;
    expect(first).toMatchObject({
      ews: "blocked-by-policy",
      ewsReason: "EWS is blocked by policy for this user or tenant",
      ewsShutdown: "2027-04-01",
      graphPermissions: { status: "checked", missing: ["Tasks.ReadWrite.All"] },
      checkedAt: now.toISOString(),
      checkedBy: "daily-check",
    });
    expect(ewsAsks()).toBe(1);
    // The cycle's own Test Connection ran through Graph and did not ask EWS a second time.
    expect((await readSummary(storage, "wingtip-online"))!.lastTestConnection!.steps.map((s) => s.step)).toEqual(["token", "graph", "mailbox"]);

    now = new Date(now.getTime() + 2 * 60_000);
    await runProbe(deps(now), await scheduleOneMessage(storage, settings.probeQueue, now));
    expect(ewsAsks()).toBe(1);
    expect((await readSummary(storage, "wingtip-online"))!.readiness!.checkedAt).toBe(first!.checkedAt);

    now = new Date(now.getTime() + 25 * 3_600_000);
    await runProbe(deps(now), await scheduleOneMessage(storage, settings.probeQueue, now));
    expect(ewsAsks()).toBe(2);
    expect((await readSummary(storage, "wingtip-online"))!.readiness!.checkedAt).toBe(now.toISOString());
  });

  it("is checked by Test Connection on demand too, and kept on the summary as such", async () => {
    const storage = testStorage(testSettings());
    expect((await importProfile(storage, demoProfiles().find((p) => p.id === "wingtip-online")!)).ok).toBe(true);
    const now = new Date();
    const result = await testConnectionNow({ storage, probe: simEnvironment(sim), now: () => now }, "wingtip-online", { mailboxes: ["amara@wingtiptoys.com"] });
    expect(result.kind === "done" && result.value.readiness).toMatchObject({ ews: "blocked-by-policy", graphPermissions: { missing: ["Tasks.ReadWrite.All"] } });
    expect(result.kind === "done" && result.value.mailboxes[0]).toMatchObject({ ok: false, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "failure" } });
    expect((await readSummary(storage, "wingtip-online"))!.readiness).toMatchObject({ ews: "blocked-by-policy", checkedAt: now.toISOString(), checkedBy: "test-connection" });
  });

  it("is never checked for an Exchange Server profile", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    expect((await importProfile(storage, demoProfiles().find((p) => p.id === "contoso-ex2016")!)).ok).toBe(true);
    const now = new Date();
    await runProbe({ storage, probe: simEnvironment(sim), now: () => now }, await scheduleOneMessage(storage, settings.probeQueue, now));
    expect((await readSummary(storage, "contoso-ex2016"))!.readiness).toBeUndefined();
  });
});
