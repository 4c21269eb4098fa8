import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProfileConnections } from "../../lib/net/index.js";
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
