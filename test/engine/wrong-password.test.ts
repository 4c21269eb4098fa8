import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConnection } from "../../lib/engine/test-connection.js";
import { discover } from "../../lib/engine/autodiscover.js";
import { refuseUrl, visitKey, type Trail } from "../../lib/engine/autodiscover-guard.js";
import { throwawaySecret, type SimulatedOrg } from "../../sim/index.js";
import { demoProfile, sessionFor, startDemoSim } from "../support/sim.js";
import { org, profile, withOrg } from "./support.js";

/**
 * Issue 10 item 1: a wrong password behind Autodiscover is a wrong password — not a redirect loop because the
 * http redirect probe or an SRV record named a candidate already asked, and not `http-status` when only SOAP
 * Autodiscover exists (POX answering 404).
 */

const wrong = throwawaySecret("wrong-password");
const settingOf: Record<string, string> = {
  "contoso-ex2016": "CONTOSO_EWS_PASSWORD",
  "fabrikam-ex2019": "FABRIKAM_EWS_PASSWORD",
  "northwind-ex2016": "NORTHWIND_EWS_PASSWORD",
};

describe("a wrong password on the demo's profiles", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startDemoSim();
  });
  afterAll(async () => {
    await sim.stop();
  });

  it.each(Object.keys(settingOf))("%s: Test Connection's Autodiscover step says auth-failed, not a loop", async (id) => {
    const session = sessionFor(sim, demoProfile(id), { [settingOf[id]!]: wrong });
    try {
      const report = await testConnection(session);
      const step = report.steps.find((s) => s.step === "autodiscover")!;
      expect(step.ok).toBe(false);
      expect(step.error?.category).toBe("auth-failed");
      expect(step.error?.code).toBe("401");
      expect(step.error?.message).toMatch(/^Every Autodiscover endpoint that answered refused the credentials of svc-crm@/);
      expect(step.error?.message).not.toMatch(/loop/i);
      expect(step.error?.remediation).toContain(`svc-crm@`);
      expect(step.error?.remediation).toContain(`\`${settingOf[id]}\``);
      expect(report.ok).toBe(false);
    } finally {
      await session.close();
    }
  });

  it("with the right password the same profiles still pass (the fix changed only the verdict)", async () => {
    const session = sessionFor(sim, demoProfile("contoso-ex2016"));
    try {
      const report = await testConnection(session);
      expect(report.steps.map((s) => s.ok)).toEqual([true, true, true]);
    } finally {
      await session.close();
    }
  });
});

describe("only SOAP Autodiscover (POX answers 404)", () => {
  const spec = org({
    servers: [{ name: "autodiscover.contoso.com", ews: false, autodiscover: true, pox: false }, { name: "mail.contoso.com" }],
    mailboxes: [{ address: "user@contoso.com", server: "mail.contoso.com" }],
  });

  it("a 401 from autodiscover.svc is auth-failed, not http-status", async () => {
    await withOrg(spec, profile(), { env: { ENGINE_PASSWORD: wrong } }, async (_sim, session) => {
      const found = await discover(session, "user@contoso.com");
      expect(found.ok).toBe(false);
      if (found.ok) return;
      expect(found.failure.category).toBe("auth-failed");
      expect(found.failure.code).toBe("401");
    });
  });

  it("with Basic switched off there, basic-auth-disabled", async () => {
    const basicOff = { ...spec, servers: spec.servers.map((s) => (s.name.startsWith("autodiscover.") ? { ...s, knobs: { basicDisabled: true } } : s)) };
    await withOrg(basicOff, profile(), {}, async (_sim, session) => {
      const found = await discover(session, "user@contoso.com");
      expect(found.ok).toBe(false);
      if (!found.ok) expect(found.failure.category).toBe("basic-auth-disabled");
    });
  });

  it("with the right password it still finds EWS over SOAP", async () => {
    await withOrg(spec, profile(), {}, async (_sim, session) => {
      const found = await discover(session, "user@contoso.com");
      expect(found.ok && found.value.via).toBe("https://autodiscover.contoso.com/autodiscover/autodiscover.svc");
    });
  });
});

describe("a redirect back to a visited URL", () => {
  it("is still a loop when it was followed for a real answer (an answer's redirectUrl)", async () => {
    const spec = org({ servers: [{ name: "autodiscover.contoso.com", ews: false, autodiscover: true }], mailboxes: [] });
    await withOrg(spec, profile(), {}, async (_sim, session) => {
      const url = "https://autodiscover.contoso.com/autodiscover/autodiscover.xml";
      const trail: Trail = { addresses: new Set(), urls: new Set([visitKey("user@contoso.com", url)]), redirects: 0, failures: [] };
      expect(refuseUrl(session, url, "user@contoso.com", trail)?.category).toBe("autodiscover-redirect-loop");
      expect(refuseUrl(session, url, "other@contoso.com", trail)).toBeUndefined();
    });
  });
});
