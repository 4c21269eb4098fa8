import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerResponse } from "node:http";
import { ProfileConnections } from "../../lib/net/index.js";
import { createTestCa, type TestCa } from "./support/certs.js";
import { SocketCounter, startHttps, toLocal, type TestServer } from "./support/servers.js";

// Each answer takes a little while, so that concurrent requests really overlap.
const slowly = (_req: unknown, res: ServerResponse) => setTimeout(() => res.end("<ok/>"), 5);

let ca: TestCa;
let counter: SocketCounter;
let autodiscover: TestServer;
let ews: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  counter = new SocketCounter(); // shared: counts sockets across both origins, on the server side
  autodiscover = await startHttps(await ca.issue(["autodiscover.contoso.test"]), slowly, counter);
  ews = await startHttps(await ca.issue(["mail.contoso.test"]), slowly, counter);
});

afterAll(async () => {
  await autodiscover.close();
  await ews.close();
});

function connections(maxConnections: number, keepAliveMs?: number): ProfileConnections {
  const connectTo = toLocal({ "autodiscover.contoso.test": autodiscover.port, "mail.contoso.test": ews.port });
  return new ProfileConnections({ maxConnections, keepAliveMs, network: { dnsServers: [], extraCaPem: ca.caPem, connectTo } });
}

describe("the profile-wide socket budget (invariant 4)", () => {
  it("never has more than maxConnections sockets open across two origins under 200 concurrent requests", async () => {
    counter.peak = counter.open;
    const before = counter.open;
    const conns = connections(5);
    const urls = ["https://autodiscover.contoso.test/autodiscover/autodiscover.xml", "https://mail.contoso.test/EWS/Exchange.asmx"];
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => conns.request({ url: urls[i % 2]!, method: "POST", body: "<x/>" })));
    expect(replies.filter((r) => r.ok && r.value.status === 200)).toHaveLength(200);
    expect(counter.peak - before).toBeLessThanOrEqual(5);
    expect(conns.stats().peakSockets).toBeLessThanOrEqual(5);
    expect(conns.stats().peakSockets).toBeGreaterThanOrEqual(2);
    // Fair shares settle: sockets are not traded after every request.
    const handshakes = Object.values(conns.stats().handshakes).reduce((a, b) => a + b, 0);
    expect(handshakes).toBeLessThanOrEqual(20);
    await conns.close();
  });

  it("reuses kept-alive connections: 200 requests to one origin take at most maxConnections handshakes", async () => {
    const conns = connections(4, 30_000);
    const handshakesBefore = ews.handshakes();
    const replies = await Promise.all(Array.from({ length: 200 }, () => conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" })));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(ews.handshakes() - handshakesBefore).toBeLessThanOrEqual(4);
    expect(conns.stats().handshakes["https://mail.contoso.test:443"]).toBeLessThanOrEqual(4);
    await conns.close();
  });

  it("closes idle sockets of one origin when another origin waits, instead of waiting for keep-alive to expire", async () => {
    const conns = connections(3, 60_000);
    // Fill the budget with kept-alive sockets to Autodiscover, then leave them idle.
    await Promise.all(Array.from({ length: 3 }, () => conns.request({ url: "https://autodiscover.contoso.test/autodiscover/autodiscover.xml" })));
    expect(conns.stats().openSockets).toBe(3);
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx", timeouts: { totalMs: 2000 } });
    expect(reply.ok && reply.value.status).toBe(200);
    expect(conns.stats().peakSockets).toBe(3);
    await conns.close();
  });

  it("shares the budget fairly while both origins are busy: neither waits for the other's queue to drain", async () => {
    const conns = connections(2, 60_000);
    let adFinished = 0;
    const ad = Array.from({ length: 60 }, () =>
      conns.request({ url: "https://autodiscover.contoso.test/autodiscover/autodiscover.xml" }).finally(() => (adFinished += 1)),
    );
    await new Promise((r) => setTimeout(r, 30)); // Autodiscover holds both sockets now
    const ewsReply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    const adFinishedBeforeEws = adFinished;
    const adDone = await Promise.all(ad);
    expect(ewsReply.ok).toBe(true);
    expect(adDone.every((r) => r.ok)).toBe(true);
    // EWS got a socket as soon as one Autodiscover request finished, not after all 60 of them.
    expect(adFinishedBeforeEws).toBeLessThan(60);
    expect(conns.stats().peakSockets).toBeLessThanOrEqual(2);
    await conns.close();
  });
});
