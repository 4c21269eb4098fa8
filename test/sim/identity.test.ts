import { ClientSecretCredential } from "@azure/identity";
import { Agent } from "node:https";
import { connect, type ConnectionOptions } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoClientId, demoClientSecret, demoOrganisation, demoTenant, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { getFolderBody, simRequest } from "./support/client.js";

/** An agent that sends every https connection to the simulator, as connect-to would. */
function simAgent(sim: SimulatedOrg): Agent {
  const agent = new Agent({ keepAlive: false });
  Object.assign(agent, {
    createConnection: (options: ConnectionOptions & { host?: string }) =>
      connect({ ...options, host: "127.0.0.1", port: sim.endpoints.httpsPort, servername: options.host, ca: sim.endpoints.caPem }),
  });
  return agent;
}

describe("simulated token authority with @azure/identity", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  afterAll(() => sim.stop());

  it("ClientSecretCredential gets a token that the simulated Exchange Online accepts", async () => {
    const agent = simAgent(sim);
    const credential = new ClientSecretCredential(demoTenant, demoClientId, demoClientSecret, {
      authorityHost: "https://login.microsoftonline.com",
      additionalPolicies: [{ position: "perCall", policy: { name: "sim-agent", sendRequest: (req, next) => next(Object.assign(req, { agent })) } }],
    });
    const token = await credential.getToken("https://outlook.office365.com/.default");
    expect(token.token).toMatch(/^ey/);
    expect(sim.counters.requestCount("login.microsoftonline.com")).toBeGreaterThanOrEqual(1);
    const res = await simRequest(sim, "https://outlook.office365.com/EWS/Exchange.asmx", {
      body: getFolderBody("zach@tailspintoys.com"),
      headers: { Authorization: `Bearer ${token.token}`, "X-AnchorMailbox": "zach@tailspintoys.com" },
    });
    expect(res.status).toBe(200);
    agent.destroy();
  });
});
