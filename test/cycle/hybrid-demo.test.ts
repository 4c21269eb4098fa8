import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbe } from "../../lib/cycle/run.js";
import { testConnectionNow } from "../../lib/on-demand/test-connection.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { readSummary } from "../../lib/store/summaries.js";
import { demoProfiles } from "../../sim/demo-profiles.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { scheduleOneMessage } from "../support/probe-queue.js";
import { simEnvironment, startDemoSim } from "../support/sim.js";
import { testSettings, testStorage } from "../support/storage.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startDemoSim();
});
afterAll(() => sim.stop());

describe("the demo's Exchange hybrid profile (Adventure Works)", () => {
  it("tries a mailbox with no place through Graph first, finds an on-premises one by Autodiscover, then probes each where it lives", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    expect((await importProfile(storage, demoProfiles().find((p) => p.id === "adventure-hybrid")!)).ok).toBe(true);
    let now = new Date();
    const deps = () => ({ storage, probe: simEnvironment(sim), now: () => now });

    // The first cycle knows no mailbox's place: each goes to Graph first; those Graph says are not in the cloud go
    // through EWS, where Autodiscover (with the app's token) places them. Exchange Online's EWS is never asked for a
    // mailbox (only once, by the daily readiness check): it answers only allow-listed apps, and stops in April 2027.
    sim.counters.reset();
    expect(await runProbe(deps(), await scheduleOneMessage(storage, settings.probeQueue, now))).toMatchObject({ kind: "probed", checked: 4, failed: 0 });
    const placed = await listMailboxes(storage, "adventure-hybrid");
    expect(Object.fromEntries(placed.map((m) => [m.address, m.ewsUrl]))).toEqual({
      "kim@adventure-works.com": undefined,
      "lena@adventure-works.com": undefined,
      "omar@adventure-works.com": "https://mail.adventure-works.com/EWS/Exchange.asmx",
      "pia@adventure-works.com": "https://mail.adventure-works.com/EWS/Exchange.asmx",
    });
    expect(placed.map((m) => m.state)).toEqual(["enabled", "enabled", "enabled", "enabled"]);
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(1);

    // From then on the cloud mailboxes go through Graph, the others through the on-premises EWS; Test Connection tests
    // both wires, Graph on a mailbox placed in the cloud (its batch), EWS on one that lives on premises.
    now = new Date(now.getTime() + 2 * 60_000);
    const message = await scheduleOneMessage(storage, settings.probeQueue, now);
    sim.counters.reset();
    expect(await runProbe(deps(), message)).toMatchObject({ kind: "probed", checked: 4, failed: 0, testConnection: "ran" });
    expect(sim.counters.graph.batches).toBe(2);
    expect(sim.counters.graph.requests).toBe(2 * 5);
    const recorded = (await readSummary(storage, "adventure-hybrid"))?.lastTestConnection;
    expect(recorded?.steps.map((s) => [s.step, s.ok, s.address])).toEqual([
      ["token", true, undefined],
      ["graph", true, undefined],
      ["mailbox", true, "kim@adventure-works.com"],
      ["autodiscover", true, "omar@adventure-works.com"],
      ["ews", true, "omar@adventure-works.com"],
      ["mailbox", true, "omar@adventure-works.com"],
    ]);
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(0);
    expect(sim.counters.requestCount("mail.adventure-works.com", "/EWS/Exchange.asmx")).toBe(2);

    // Test Connection on demand knows the places too: its Graph side tests a mailbox placed in the cloud, its EWS side
    // one that lives on premises.
    sim.counters.reset();
    const asked = await testConnectionNow({ storage, probe: simEnvironment(sim), now: () => now }, "adventure-hybrid", {});
    expect(asked.kind).toBe("done");
    if (asked.kind !== "done") return;
    expect(asked.value.steps.filter((s) => s.step === "mailbox").map((s) => [s.ok, s.address])).toEqual([
      [true, "kim@adventure-works.com"],
      [true, "omar@adventure-works.com"],
    ]);
    // Exchange Online's EWS is asked once, by readiness (is the app still let in before EWS goes), not for a mailbox.
    expect(asked.value.readiness).toMatchObject({ ews: "allowed" });
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(1);

    // A cloud mailbox asked for by name goes where it was placed, through Graph (Exchange Online's EWS: readiness only).
    sim.counters.reset();
    const named = await testConnectionNow({ storage, probe: simEnvironment(sim), now: () => now }, "adventure-hybrid", { mailboxes: ["kim@adventure-works.com"] });
    expect(named.kind === "done" && named.value.steps.map((s) => [s.step, s.ok])).toEqual([
      ["token", true],
      ["graph", true],
      ["mailbox", true],
      ["autodiscover", true],
      ["ews", true],
      ["mailbox", true],
    ]);
    expect(named.kind === "done" && named.value.mailboxes.map((m) => m.address)).toEqual(["kim@adventure-works.com"]);
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(1);

    // A cloud mailbox that is not due (disabled here) is still known to live in the cloud: no EWS test mailbox either.
    // Nor Graph's, while another mailbox is placed there: nothing would place a disabled one anew if it moved.
    const kim = (await listMailboxes(storage, "adventure-hybrid")).find((m) => m.address === "kim@adventure-works.com")!;
    await saveMailboxes(storage, [{ ...kim, state: "disabled" }]);
    now = new Date(now.getTime() + 2 * 60_000);
    const third = await scheduleOneMessage(storage, settings.probeQueue, now);
    sim.counters.reset();
    expect(await runProbe(deps(), third)).toMatchObject({ kind: "probed", checked: 3, failed: 0, testConnection: "ran" });
    expect(sim.counters.graph.requests).toBe(5);
    const withoutKim = (await readSummary(storage, "adventure-hybrid"))?.lastTestConnection;
    expect(withoutKim?.steps.filter((s) => s.step === "mailbox").map((s) => s.address)).toEqual(["lena@adventure-works.com", "omar@adventure-works.com"]);
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(0);
  });

  it("with Exchange Online's EWS switched off, a profile from Dynamics (no locations) still checks its cloud mailboxes, through Graph", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    expect((await importProfile(storage, demoProfiles().find((p) => p.id === "adventure-hybrid")!)).ok).toBe(true);
    sim.setServer("outlook.office365.com", { ewsDisabled: true });
    try {
      const now = new Date();
      const run = await runProbe({ storage, probe: simEnvironment(sim), now: () => now }, await scheduleOneMessage(storage, settings.probeQueue, now));
      expect(run).toMatchObject({ kind: "probed", checked: 4, failed: 0, testConnection: "ran" });
      expect((await listMailboxes(storage, "adventure-hybrid")).map((m) => [m.address, m.state])).toEqual([
        ["kim@adventure-works.com", "enabled"],
        ["lena@adventure-works.com", "enabled"],
        ["omar@adventure-works.com", "enabled"],
        ["pia@adventure-works.com", "enabled"],
      ]);
      const summary = await readSummary(storage, "adventure-hybrid");
      expect(summary?.lastTestConnection?.ok).toBe(true);
      // Readiness says what is coming: EWS is off for the app.
      expect(summary?.readiness?.ews).toBe("disabled");
    } finally {
      sim.setServer("outlook.office365.com", { ewsDisabled: false });
    }
  });

  it("with every mailbox in the cloud and no location, Test Connection tests one of them through Graph (never nothing)", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    const demo = demoProfiles().find((p) => p.id === "adventure-hybrid")!;
    const profile = { ...demo, mailboxes: demo.mailboxes.filter((m) => ["kim@adventure-works.com", "lena@adventure-works.com"].includes(m.address)) };
    expect((await importProfile(storage, profile)).ok).toBe(true);
    let now = new Date();
    const deps = () => ({ storage, probe: simEnvironment(sim), now: () => now });
    await runProbe(deps(), await scheduleOneMessage(storage, settings.probeQueue, now));
    now = new Date(now.getTime() + 2 * 60_000);
    const message = await scheduleOneMessage(storage, settings.probeQueue, now);
    sim.counters.reset();
    expect(await runProbe(deps(), message)).toMatchObject({ kind: "probed", checked: 2, failed: 0, testConnection: "ran" });
    const last = (await readSummary(storage, "adventure-hybrid"))?.lastTestConnection;
    expect(last?.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
    expect(last?.ok).toBe(true);
    expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(0);

    // Graph now says the test mailbox is not in the cloud (moved back on premises): Test Connection says so, and the
    // mailbox itself is not judged on that answer but checked again through EWS, the way the cycle's checks fall back.
    sim.setMailbox("kim@adventure-works.com", { graphFault: "MailboxNotEnabledForRESTAPI" });
    try {
      now = new Date(now.getTime() + 2 * 60_000);
      const third = await scheduleOneMessage(storage, settings.probeQueue, now);
      sim.counters.reset();
      await runProbe(deps(), third);
      const failedTest = (await readSummary(storage, "adventure-hybrid"))?.lastTestConnection;
      expect(failedTest?.steps.find((s) => s.step === "mailbox")).toMatchObject({ ok: false, error: { category: "mailbox-not-in-cloud" } });
      const kim = (await listMailboxes(storage, "adventure-hybrid")).find((m) => m.address === "kim@adventure-works.com")!;
      expect(kim).toMatchObject({ lastCycle: third.cycle, state: "enabled" });
      expect(sim.counters.requestCount("outlook.office365.com", "/EWS/Exchange.asmx")).toBe(1);
    } finally {
      sim.setMailbox("kim@adventure-works.com", { graphFault: null });
    }
  });
});
