import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProfileConnections } from "../../lib/net/index.js";
import { createTestCa, days, type TestCa } from "./support/certs.js";
import { startHttps, toLocal, type TestServer } from "./support/servers.js";

const ok = (_req: unknown, res: import("node:http").ServerResponse) => res.end("ok");

let ca: TestCa;
let servers: Record<string, TestServer>;

beforeAll(async () => {
  ca = await createTestCa("Contoso Root");
  const stranger = await createTestCa("Unknown Root");
  servers = {
    valid: await startHttps(await ca.issue(["mail.contoso.test"], { notAfter: days(30.5) }), ok),
    expired: await startHttps(await ca.issue(["old.contoso.test"], { notBefore: days(-60), notAfter: days(-3.5) }), ok),
    notYet: await startHttps(await ca.issue(["future.contoso.test"], { notBefore: days(5), notAfter: days(60) }), ok),
    wrongName: await startHttps(await ca.issue(["other.fabrikam.test"]), ok),
    untrusted: await startHttps(await stranger.issue(["rogue.contoso.test"]), ok),
  };
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

function connectionsFor(server: TestServer, trustOurCa = true): ProfileConnections {
  const extraCaPem = trustOurCa ? ca.caPem : undefined;
  return new ProfileConnections({ maxConnections: 2, network: { dnsServers: [], extraCaPem, connectTo: toLocal(server.port) } });
}

describe("TLS verification and certificate reports", () => {
  it("reports a valid certificate from the pool's own connection, with no extra handshake", async () => {
    const conns = connectionsFor(servers.valid!);
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    expect(reply.ok && reply.value.status).toBe(200);
    expect(conns.certificates()).toEqual([{ host: "mail.contoso.test", trusted: true, namesMatch: true, daysLeft: 30 }]);
    expect(conns.stats().handshakes).toEqual({ "https://mail.contoso.test:443": 1 });
    expect(servers.valid!.handshakes()).toBe(1);
    await conns.close();
  });

  it.each([
    ["expired", "old.contoso.test", "tls-expired", "CERT_HAS_EXPIRED", { trusted: true, namesMatch: true, daysLeft: -4, reason: "CERT_HAS_EXPIRED" }],
    ["notYet", "future.contoso.test", "tls-expired", "CERT_NOT_YET_VALID", { trusted: true, namesMatch: true, daysLeft: 59, reason: "CERT_NOT_YET_VALID" }],
    ["wrongName", "mail.contoso.test", "tls-name-mismatch", "ERR_TLS_CERT_ALTNAME_INVALID", { trusted: true, namesMatch: false, daysLeft: 89, reason: "ERR_TLS_CERT_ALTNAME_INVALID" }],
    ["untrusted", "rogue.contoso.test", "tls-untrusted", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", { trusted: false, namesMatch: true, daysLeft: 89, reason: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }],
  ] as const)("classifies %s and inspects the certificate to say why", async (server, host, category, code, report) => {
    const conns = connectionsFor(servers[server]!);
    const reply = await conns.request({ url: `https://${host}/autodiscover/autodiscover.xml` });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.failure).toMatchObject({ category, code, transient: false });
      expect(reply.failure.message).toContain(host);
    }
    expect(conns.certificates()).toEqual([{ host, ...report }]);
    await conns.close();
  });

  it("trusts an on-premises CA only when TRUSTED_CA_FILE names it", async () => {
    const without = connectionsFor(servers.valid!, false);
    const refused = await without.request({ url: "https://mail.contoso.test/" });
    expect(!refused.ok && refused.failure.category).toBe("tls-untrusted");
    expect(without.certificates()[0]).toMatchObject({ trusted: false, namesMatch: true, reason: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    await without.close();
  });

  it("never resumes a TLS session, so every connection shows its certificate", async () => {
    const conns = new ProfileConnections({
      maxConnections: 1,
      keepAliveMs: 1,
      network: { dnsServers: [], extraCaPem: ca.caPem, connectTo: toLocal(servers.valid!.port) },
    });
    for (let i = 0; i < 3; i++) {
      const reply = await conns.request({ url: "https://mail.contoso.test/" });
      expect(reply.ok).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(conns.stats().handshakes["https://mail.contoso.test:443"]).toBe(3);
    expect(conns.certificates()[0]).toMatchObject({ trusted: true, daysLeft: 30 });
    await conns.close();
  });
});
