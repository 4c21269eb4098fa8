import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoClientId, demoClientSecret, demoOrganisation, demoTenant, startSimulatedOrg, wingtipClientId, wingtipClientSecret, wingtipTenant, type SimulatedOrg } from "../../sim/index.js";
import { getFolderBody, simRequest } from "./support/client.js";
import { claimsOf, graphGet, simToken, userPath } from "./support/graph-client.js";

const tailspin = { tenant: demoTenant, clientId: demoClientId, secret: demoClientSecret };
const wingtip = { tenant: wingtipTenant, clientId: wingtipClientId, secret: wingtipClientSecret };

describe("the demo's Exchange Online tenants", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  afterAll(() => sim.stop());

  it("Tailspin Toys answers through Graph on every folder", async () => {
    const token = await simToken(sim, tailspin, "https://graph.microsoft.com");
    for (const folder of ["inbox", "sentitems", "calendar", "contacts", "todo"] as const) {
      expect((await graphGet(sim, `https://graph.microsoft.com/v1.0${userPath("yara@tailspintoys.com", folder)}`, token)).status).toBe(200);
    }
  });

  it("Wingtip Toys: EWS blocks its app by policy, and its Graph token lacks Tasks.ReadWrite.All", async () => {
    const ewsToken = await simToken(sim, wingtip, "https://outlook.office365.com");
    const ews = await simRequest(sim, "https://outlook.office365.com/EWS/Exchange.asmx", {
      body: getFolderBody("amara@wingtiptoys.com", ["inbox"]),
      headers: { Authorization: `Bearer ${ewsToken}`, "X-AnchorMailbox": "amara@wingtiptoys.com" },
    });
    expect(ews.status).toBe(403);
    expect(ews.headers["x-ews-policy-reason"]).toBe("EWS is blocked by policy for this user or tenant");

    const token = await simToken(sim, wingtip, "https://graph.microsoft.com");
    expect(claimsOf(token).roles).not.toContain("Tasks.ReadWrite.All");
    expect((await graphGet(sim, `https://graph.microsoft.com/v1.0${userPath("amara@wingtiptoys.com", "inbox")}`, token)).status).toBe(200);
    const todo = await graphGet(sim, `https://graph.microsoft.com/v1.0${userPath("amara@wingtiptoys.com", "todo")}`, token);
    expect(todo.status).toBe(403);
    // Its access policy keeps it to its own tenant's mailboxes.
    expect((await graphGet(sim, `https://graph.microsoft.com/v1.0${userPath("yara@tailspintoys.com", "inbox")}`, token)).status).toBe(403);
  });
});
