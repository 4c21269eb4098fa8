import { promises as dns } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrganisation, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";

describe("simulator DNS", () => {
  let sim: SimulatedOrg;
  let resolver: dns.Resolver;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
    resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([sim.dnsServers]);
  });
  afterAll(() => sim.stop());

  it("answers A records for every simulated host with 127.0.0.1", async () => {
    for (const host of ["mail.contoso.com", "contoso.com", "autodiscover.contoso.com", "outlook.office365.com", "login.microsoftonline.com"]) {
      expect(await resolver.resolve4(host)).toEqual(["127.0.0.1"]);
    }
  });

  it("answers 127.0.0.2, where nothing listens, for a host whose knob is refuse", async () => {
    expect(await resolver.resolve4("mail3.fabrikam.com")).toEqual(["127.0.0.2"]);
    sim.setServer("mail.contoso.com", { refuse: true });
    expect(await resolver.resolve4("MAIL.contoso.com")).toEqual(["127.0.0.2"]);
    sim.setServer("mail.contoso.com", { refuse: false });
    expect(await resolver.resolve4("mail.contoso.com")).toEqual(["127.0.0.1"]);
  });

  it("answers NXDOMAIN for unknown names and no data for AAAA", async () => {
    await expect(resolver.resolve4("nowhere.contoso.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(resolver.resolve6("mail.contoso.com")).rejects.toMatchObject({ code: "ENODATA" });
  });

  it("answers the configured SRV records for _autodiscover._tcp", async () => {
    expect(await resolver.resolveSrv("_autodiscover._tcp.fabrikam.com")).toEqual([
      { name: "autodiscover.fabrikam.com", port: 443, priority: 10, weight: 100 },
    ]);
    await expect(resolver.resolveSrv("_autodiscover._tcp.contoso.com")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});
