import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailboxCheck } from "../../lib/model/connection.js";
import { probeKindFor } from "../../lib/probes/choose.js";
import { ewsKind } from "../../lib/probes/ews.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { enabledMailbox } from "../support/mailbox-record.js";
import { demoProfile, simEnvironment, startDemoSim } from "../support/sim.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startDemoSim();
});
afterAll(async () => {
  await sim.stop();
});

describe("the EWS probe kind", () => {
  it("is the kind every profile is probed with for now", () => {
    expect(probeKindFor(demoProfile("contoso-ex2016")).name).toBe("ews");
  });

  it("runs Test Connection with its three steps and reports each mailbox through onChecked as the contract's check", async () => {
    const profile = demoProfile("contoso-ex2016");
    const opened = await ewsKind.open(profile, { maxConnections: 2 }, simEnvironment(sim));
    if (!opened.ok) throw new Error(opened.failure.message);
    const probe = opened.value;
    try {
      const run = await probe.checkEndpoints();
      expect(run.steps.map((s) => [s.step, s.ok])).toEqual(ewsKind.steps.map((step) => [step, true]));

      const checked: [string, MailboxCheck][] = [];
      const mailboxes = ["alice@contoso.com", "grace@contoso.com"].map((a) => enabledMailbox(profile.id, a));
      await probe.checkMailboxes(mailboxes, 2, async (record, check) => void checked.push([record.address, check]));
      expect(checked.map(([a, c]) => [a, c.ok, c.ewsUrl]).sort()).toEqual([
        ["alice@contoso.com", true, "https://mail.contoso.com/EWS/Exchange.asmx"],
        ["grace@contoso.com", true, "https://mail2.contoso.com/EWS/Exchange.asmx"],
      ]);
      for (const [, check] of checked) expect(Object.keys(check).sort()).toEqual(["address", "channels", "elapsedMs", "ewsUrl", "ok"]);
      expect(probe.peakConnections()).toBeGreaterThan(0);
      expect(probe.peakConnections()).toBeLessThanOrEqual(2);
    } finally {
      await probe.close();
    }
  });

  it("does not open without the profile's secret setting, and says which setting is missing", async () => {
    const environment = { ...simEnvironment(sim), env: {} };
    const opened = await ewsKind.open(demoProfile("contoso-ex2016"), { maxConnections: 1 }, environment);
    expect(opened.ok).toBe(false);
    expect(opened.ok ? "" : opened.failure.message).toContain("CONTOSO_EWS_PASSWORD");
  });

  it("checks mailboxes in the free places while Test Connection holds one; with Autodiscover to do, only after it", async () => {
    const profile = demoProfile("contoso-ex2016");
    const addresses = ["alice@contoso.com", "bob@contoso.com", "carol@contoso.com", "dave@contoso.com"];
    const opened = await ewsKind.open(profile, { maxConnections: 2 }, simEnvironment(sim));
    if (!opened.ok) throw new Error(opened.failure.message);
    const probe = opened.value;
    try {
      const cached = addresses.map((a) => ({ ...enabledMailbox(profile.id, a), ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx" }));
      let open!: () => void;
      const heldUntil = new Promise<void>((resolve) => (open = resolve));
      const checked: string[] = [];
      const allChecked = new Promise<void>((resolve) => {
        void probe.checkMailboxes(cached, { limit: 2, heldUntil }, async (record) => {
          checked.push(record.address);
          if (checked.length === addresses.length) resolve();
        });
      });
      // Every mailbox is checked through the one free place while the other is still held.
      await allChecked;
      expect(checked.sort()).toEqual([...addresses].sort());
      open();

      const uncached = addresses.map((a) => enabledMailbox(profile.id, a));
      let openToo!: () => void;
      const heldToo = new Promise<void>((resolve) => (openToo = resolve));
      const requestsBefore = sim.counters.requestCount();
      const discovered: string[] = [];
      const run = probe.checkMailboxes(uncached, { limit: 2, heldUntil: heldToo }, async (record) => void discovered.push(record.address));
      // Long enough for a discovery to reach the simulator (a few ms), were one started.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sim.counters.requestCount()).toBe(requestsBefore);
      expect(discovered).toEqual([]);
      openToo();
      await run;
      expect(discovered.sort()).toEqual([...addresses].sort());
    } finally {
      await probe.close();
    }
  });
});
