import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProfileConnections, type Timeouts } from "../../lib/net/index.js";
import { createTestCa, type TestCa } from "./support/certs.js";
import { startHttps, startSilent, toLocal, unusedPort, type TestServer } from "./support/servers.js";

let ca: TestCa;
let server: TestServer;
let silent: TestServer;
const pending = new Set<ServerResponse>();

// Each path is one way of being slow.
function slowServer(req: IncomingMessage, res: ServerResponse): void {
  pending.add(res);
  res.on("close", () => pending.delete(res));
  if (req.url === "/no-headers") return;
  if (req.url === "/stalled-body") {
    res.writeHead(200, { "content-type": "text/xml" });
    res.write("<partial");
    return;
  }
  if (req.url === "/trickle") {
    res.writeHead(200, { "content-type": "text/xml" });
    const tick = setInterval(() => res.write("."), 50);
    res.on("close", () => clearInterval(tick));
    return;
  }
  res.end("ok");
}

beforeAll(async () => {
  ca = await createTestCa();
  server = await startHttps(await ca.issue(["mail.contoso.test"]), slowServer);
  silent = await startSilent();
});

afterAll(async () => {
  for (const res of pending) res.destroy();
  await server.close();
  await silent.close();
});

function connections(port: number, timeouts: Partial<Timeouts>, maxConnections = 2): ProfileConnections {
  return new ProfileConnections({ maxConnections, timeouts, network: { dnsServers: [], extraCaPem: ca.caPem, connectTo: toLocal(port) } });
}

describe("every network step has its timeout (invariant 6)", () => {
  it("connect-timeout when the TLS handshake never completes", async () => {
    const conns = connections(silent.port, { connectMs: 200 });
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "connect-timeout", code: "UND_ERR_CONNECT_TIMEOUT", transient: true });
    await vi.waitFor(() => expect(conns.stats().openSockets).toBe(0), { timeout: 500 });
    await conns.close();
  });

  it("connection-refused when nothing listens", async () => {
    const conns = connections(await unusedPort(), {});
    const reply = await conns.request({ url: "https://mail.contoso.test/EWS/Exchange.asmx" });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "connection-refused", code: "ECONNREFUSED" });
    await conns.close();
  });

  it.each([
    ["/no-headers", { headersMs: 200 }, "UND_ERR_HEADERS_TIMEOUT"],
    ["/stalled-body", { bodyMs: 200 }, "UND_ERR_BODY_TIMEOUT"],
    ["/trickle", { totalMs: 400 }, "REQUEST_DEADLINE_EXCEEDED"],
  ] as const)("timeout for %s", async (path, timeouts, code) => {
    const conns = connections(server.port, timeouts);
    const reply = await conns.request({ url: `https://mail.contoso.test${path}` });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "timeout", code, transient: true });
    await conns.close();
  });

  it("the total deadline also covers waiting for a place in the budget", async () => {
    const conns = connections(server.port, { totalMs: 300 }, 1);
    const hog = conns.request({ url: "https://mail.contoso.test/no-headers", timeouts: { totalMs: 800 } });
    await new Promise((r) => setTimeout(r, 50));
    const waiting = await conns.request({ url: "https://mail.contoso.test/" });
    expect(!waiting.ok && waiting.failure.code).toBe("REQUEST_DEADLINE_EXCEEDED");
    await hog;
    expect(conns.stats().peakSockets).toBe(1);
    await conns.close();
  });

  it("a per-request timeout overrides the profile's", async () => {
    const conns = connections(server.port, { headersMs: 10_000 });
    const reply = await conns.request({ url: "https://mail.contoso.test/no-headers", timeouts: { headersMs: 150 } });
    expect(!reply.ok && reply.failure.code).toBe("UND_ERR_HEADERS_TIMEOUT");
    await conns.close();
  });
});
