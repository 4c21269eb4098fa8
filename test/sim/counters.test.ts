import { Agent } from "node:https";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoOrganisation, demoPasswords, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { basicAuth, getFolderBody, poxBody, simRequest } from "./support/client.js";

const contoso = basicAuth("svc-crm@contoso.com", demoPasswords["svc-crm@contoso.com"]!);
const fabrikam = basicAuth("svc-crm@fabrikam.com", demoPasswords["svc-crm@fabrikam.com"]!);

describe("simulator counters", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  beforeEach(() => sim.counters.reset());
  afterAll(() => sim.stop());

  it("counts requests per host and path", async () => {
    await simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("alice@contoso.com"), headers: contoso });
    await simRequest(sim, "https://mail.contoso.com/ews/exchange.asmx?x=1", { body: getFolderBody("bob@contoso.com"), headers: contoso });
    await simRequest(sim, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml", { body: poxBody("bob@contoso.com"), headers: contoso });
    expect(sim.counters.requestCount()).toBe(3);
    expect(sim.counters.requestCount("mail.contoso.com")).toBe(2);
    expect(sim.counters.requestCount("mail.contoso.com", "/EWS/Exchange.asmx")).toBe(2);
    expect(sim.counters.requestCount(undefined, "/autodiscover/autodiscover.xml")).toBe(1);
  });

  it("records every request that carried credentials, with host, scheme and protocol", async () => {
    await simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("alice@contoso.com"), headers: contoso });
    expect(sim.counters.leakedCredentials(["mail.contoso.com"])).toEqual([]);
    await simRequest(sim, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml", { body: poxBody("alice@contoso.com"), headers: contoso });
    await simRequest(sim, "https://mail.fabrikam.com/EWS/Exchange.asmx", { body: getFolderBody("ivan@fabrikam.com"), headers: contoso });
    expect(sim.counters.credentials).toHaveLength(3);
    expect(sim.counters.leakedCredentials(["mail.contoso.com"])).toEqual([
      { host: "autodiscover.contoso.com", path: "/autodiscover/autodiscover.xml", protocol: "http", scheme: "Basic" },
      { host: "mail.fabrikam.com", path: "/EWS/Exchange.asmx", protocol: "https", scheme: "Basic" },
    ]);
  });

  it("tracks current and peak simultaneous connections overall, per group and per host", async () => {
    sim.setServer("mail.contoso.com", { latencyMs: 300 });
    sim.setServer("mail.fabrikam.com", { latencyMs: 300 });
    const calls = [
      ...[1, 2, 3, 4].map(() => simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("alice@contoso.com"), headers: contoso })),
      ...[1, 2].map(() => simRequest(sim, "https://mail.fabrikam.com/EWS/Exchange.asmx", { body: getFolderBody("ivan@fabrikam.com"), headers: fabrikam })),
    ];
    await Promise.all(calls);
    sim.setServer("mail.contoso.com", { latencyMs: 0 });
    sim.setServer("mail.fabrikam.com", { latencyMs: 0 });
    expect(sim.counters.connections().peak).toBe(6);
    expect(sim.counters.connections({ group: "contoso.com" }).peak).toBe(4);
    expect(sim.counters.connections({ group: "fabrikam.com" }).peak).toBe(2);
    expect(sim.counters.connections({ host: "mail.fabrikam.com" }).peak).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.counters.connections().current).toBe(0);
  });

  it("counts a TLS handshake per new connection and never resumes sessions", async () => {
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: sim.endpoints.caPem });
    const resuming = new Agent({ keepAlive: false, maxCachedSessions: 100, ca: sim.endpoints.caPem });
    try {
      for (let i = 0; i < 3; i++) await simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("alice@contoso.com"), headers: contoso, agent: keptAlive });
      expect(sim.counters.tlsHandshakes("mail.contoso.com")).toBe(1);
      for (let i = 0; i < 3; i++) await simRequest(sim, "https://mail2.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("grace@contoso.com"), headers: contoso, agent: resuming });
      expect(sim.counters.tlsHandshakes("mail2.contoso.com")).toBe(3);
      expect(sim.counters.tlsHandshakes()).toBe(4);
    } finally {
      keptAlive.destroy();
      resuming.destroy();
    }
  });

  it("reset() clears counts and restarts peaks from the current level", async () => {
    await simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: getFolderBody("alice@contoso.com"), headers: contoso });
    sim.counters.reset();
    expect(sim.counters.requestCount()).toBe(0);
    expect(sim.counters.credentials).toEqual([]);
    expect(sim.counters.tlsHandshakes()).toBe(0);
    expect(sim.counters.connections().peak).toBe(sim.counters.connections().current);
  });
});
