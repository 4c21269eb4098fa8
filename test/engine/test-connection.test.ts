import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConnection } from "../../lib/engine/test-connection.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { demoProfile, sessionFor, startDemoSim } from "../support/sim.js";

let sim: SimulatedOrg;
beforeAll(async () => {
  sim = await startDemoSim();
});
afterAll(async () => {
  await sim.stop();
});

describe("test connection against the simulated organisation", () => {
  it("passes all three steps for a healthy Exchange 2016 profile", async () => {
    const session = sessionFor(sim, demoProfile("contoso-ex2016"));
    try {
      const report = await testConnection(session, { mailboxes: ["alice@contoso.com", "grace@contoso.com"] });
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["autodiscover", true], ["ews", true], ["mailbox", true]]);
      expect(report.ok).toBe(true);
      expect(report.server).toEqual({ build: "15.1.2507.6", product: "Exchange Server 2016" });
      expect(report.mailboxes.map((m) => [m.address, m.ok, m.ewsUrl])).toEqual([
        ["alice@contoso.com", true, "https://mail.contoso.com/EWS/Exchange.asmx"],
        ["grace@contoso.com", true, "https://mail2.contoso.com/EWS/Exchange.asmx"],
      ]);
      expect(report.certificates.length).toBeGreaterThan(0);
      expect(report.certificates.every((c) => c.trusted && c.namesMatch && c.daysLeft > 0)).toBe(true);
    } finally {
      await session.close();
    }
  });

  it("diagnoses Basic authentication disabled on EWS", async () => {
    const session = sessionFor(sim, demoProfile("northwind-ex2016"));
    try {
      const report = await testConnection(session);
      expect(report.ok).toBe(false);
      const failed = report.steps.find((s) => s.ok === false);
      expect(failed && failed.ok === false && failed.error.category).toBe("basic-auth-disabled");
    } finally {
      await session.close();
    }
  });

  it("names each fabrikam mailbox's own failure", async () => {
    const session = sessionFor(sim, demoProfile("fabrikam-ex2019"));
    try {
      const addresses = ["ivan", "mallory", "niaj", "olivia", "rupert", "sybil", "trent", "peggy"].map((n) => `${n}@fabrikam.com`);
      const report = await testConnection(session, { mailboxes: addresses });
      const byAddress = Object.fromEntries(report.mailboxes.map((m) => [m.address.split("@")[0], m.ok ? "ok" : m.error.category]));
      expect(byAddress).toEqual({
        ivan: "ok",
        mallory: "autodiscover-not-found",
        niaj: "impersonation-denied",
        olivia: "server-busy",
        rupert: "connection-refused",
        sybil: "autodiscover-redirect-refused",
        trent: "access-denied",
        peggy: "ok",
      });
    } finally {
      await session.close();
    }
  });

  it("uses OAuth app credentials for Exchange Online", async () => {
    const session = sessionFor(sim, demoProfile("tailspin-online"));
    try {
      const report = await testConnection(session, { mailboxes: ["yara@tailspintoys.com"] });
      expect(report.steps.map((s) => s.ok)).toEqual([true, true, true]);
      expect(report.server?.product).toBe("Exchange Online");
    } finally {
      await session.close();
    }
  });
});
