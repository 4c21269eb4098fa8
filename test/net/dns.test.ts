import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProfileConnections } from "../../lib/net/index.js";
import { createHostResolver } from "../../lib/net/resolver.js";
import { createTestCa, type TestCa } from "./support/certs.js";
import { startDns, type TestDns } from "./support/dns-server.js";
import { startHttps, unusedPort, type TestServer } from "./support/servers.js";

let ca: TestCa;
let dns: TestDns;
let server: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  server = await startHttps(await ca.issue(["mail.contoso.test"]), (_req, res) => res.end("ok"));
  dns = await startDns({
    a: { "mail.contoso.test": "127.0.0.1" },
    srv: { "_autodiscover._tcp.contoso.test": [{ priority: 10, weight: 5, port: 443, target: "mail.contoso.test" }] },
  });
});

afterAll(async () => {
  await server.close();
  await dns.close();
});

// Only the port is redirected: the host name is resolved through DNS_SERVERS.
function connections(dnsServers: string[]): ProfileConnections {
  const connectTo = (_host: string, port: number) => (port === 443 ? { port: server.port } : undefined);
  return new ProfileConnections({ maxConnections: 2, timeouts: { connectMs: 3000 }, network: { dnsServers, extraCaPem: ca.caPem, connectTo } });
}

describe("DNS_SERVERS", () => {
  it("resolves every host through the configured servers", async () => {
    const conns = connections([dns.server]);
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    expect(reply.ok && reply.value.status).toBe(200);
    expect(dns.queries).toContainEqual({ name: "mail.contoso.test", type: 1 });
    await conns.close();
  });

  it("asks for a host once when a cycle opens its connections together, and keeps the answer for its TTL", async () => {
    const conns = connections([dns.server]);
    const asked = () => dns.queries.filter((q) => q.name === "mail.contoso.test" && q.type === 1).length;
    const before = asked();
    const replies = await Promise.all(Array.from({ length: 2 }, () => conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" })));
    expect(replies.every((r) => r.ok && r.value.status === 200)).toBe(true);
    expect(conns.stats().peakSockets).toBe(2);
    expect(asked() - before).toBe(1);
    await conns.close();

    // The simulator's records live 5 s: asked again only after that.
    let clock = 1_000_000;
    const resolver = createHostResolver([dns.server], 3000, () => clock);
    const start = asked();
    const together = await Promise.all(Array.from({ length: 10 }, () => resolver.lookup("MAIL.contoso.test")));
    expect(together.every((a) => a.address === "127.0.0.1" && a.family === 4)).toBe(true);
    clock += 4_000;
    await resolver.lookup("mail.contoso.test");
    expect(asked() - start).toBe(1);
    clock += 2_000;
    await resolver.lookup("mail.contoso.test");
    expect(asked() - start).toBe(2);
    // A name that does not resolve is asked again each time, never answered from a kept failure.
    const nowhere = () => dns.queries.filter((q) => q.name === "nowhere.contoso.test").length;
    const none = nowhere();
    await expect(resolver.lookup("nowhere.contoso.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(resolver.lookup("nowhere.contoso.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(nowhere() - none).toBe(2);
  });

  it("asks the same servers for Autodiscover SRV records", async () => {
    const conns = connections([dns.server]);
    const srv = await conns.resolveSrv("_autodiscover._tcp.contoso.test");
    expect(srv.ok && srv.value).toEqual([{ priority: 10, weight: 5, port: 443, name: "mail.contoso.test" }]);
    await conns.close();
  });

  it("reports NXDOMAIN as a dns failure", async () => {
    const conns = connections([dns.server]);
    const reply = await conns.request({ url: "https://nowhere.contoso.test/EWS/Exchange.asmx" });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "dns", code: "ENOTFOUND", transient: true });
    const srv = await conns.resolveSrv("_autodiscover._tcp.nowhere.test");
    expect(!srv.ok && srv.failure).toMatchObject({ category: "dns", code: "ENOTFOUND" });
    expect(conns.stats().peakSockets).toBe(0);
    await conns.close();
  });

  it("reports an unreachable DNS server as a dns failure, not a refused connection", async () => {
    const conns = connections([`127.0.0.1:${await unusedPort()}`]);
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    expect(!reply.ok && reply.failure.category).toBe("dns");
    await conns.close();
  });
});
