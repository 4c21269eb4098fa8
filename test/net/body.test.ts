import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingMessage, ServerResponse } from "node:http";
import zlib from "node:zlib";
import { ProfileConnections } from "../../lib/net/index.js";
import { createTestCa, type TestCa } from "./support/certs.js";
import { startHttp, startHttps, toLocal, type TestServer } from "./support/servers.js";

const xml = `<?xml version="1.0"?><Autodiscover>${"<Protocol/>".repeat(2000)}</Autodiscover>`;
const seen: Array<{ url: string; authorization?: string; encoding?: string }> = [];

function handler(req: IncomingMessage, res: ServerResponse): void {
  seen.push({ url: req.url ?? "", authorization: req.headers.authorization, encoding: req.headers["accept-encoding"] });
  switch (req.url) {
    case "/huge": {
      // 50 MB in 64 KiB chunks, written as fast as the client reads.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let left = Math.ceil((50 * 1024 * 1024) / chunk.length);
      const pump = (): void => {
        while (left > 0) {
          left -= 1;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("error", () => undefined);
      pump();
      return;
    }
    case "/huge-declared":
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write("x");
      return;
    case "/gzip":
      res.writeHead(200, { "content-type": "text/xml", "content-encoding": "gzip" });
      res.end(zlib.gzipSync(xml));
      return;
    case "/deflate":
      res.writeHead(200, { "content-type": "text/xml", "content-encoding": "deflate" });
      res.end(zlib.deflateSync(xml));
      return;
    case "/gzip-bomb":
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024))); // ~20 KB on the wire, 20 MB decoded
      return;
    case "/redirect":
      res.writeHead(302, { location: "https://elsewhere.fabrikam.test/autodiscover/autodiscover.xml" });
      res.end();
      return;
    case "/challenge":
      res.setHeader("www-authenticate", ["Negotiate", "NTLM", 'Basic realm="mail.contoso.test"']);
      res.writeHead(401);
      res.end();
      return;
    default:
      res.end("ok");
  }
}

let ca: TestCa;
let secure: TestServer;
let plain: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  secure = await startHttps(await ca.issue(["mail.contoso.test"]), handler);
  plain = await startHttp(handler);
});

afterAll(async () => {
  await secure.close();
  await plain.close();
});

function connections(maxBodyBytes?: number): ProfileConnections {
  const connectTo = (_host: string, port: number) => ({ host: "127.0.0.1", port: port === 80 ? plain.port : secure.port });
  return new ProfileConnections({ maxConnections: 2, maxBodyBytes, network: { dnsServers: [], extraCaPem: ca.caPem, connectTo } });
}

describe("responses", () => {
  it("stops reading a 50 MB body at the cap and drops the connection", async () => {
    const conns = connections();
    const reply = await conns.request({ url: "https://mail.contoso.test/huge" });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "response-too-large", code: "RESPONSE_TOO_LARGE" });
    await conns.close();
  });

  it("refuses a declared Content-Length over the cap without reading it", async () => {
    const conns = connections();
    const reply = await conns.request({ url: "https://mail.contoso.test/huge-declared" });
    expect(!reply.ok && reply.failure.category).toBe("response-too-large");
    await conns.close();
  });

  it.each(["/gzip", "/deflate"])("asks for gzip and decodes %s", async (path) => {
    const conns = connections();
    const reply = await conns.request({ url: `https://mail.contoso.test${path}` });
    expect(reply.ok && reply.value.body.toString("utf8")).toBe(xml);
    expect(seen.at(-1)?.encoding).toContain("gzip");
    await conns.close();
  });

  it("applies the cap to the decoded size (a gzip bomb)", async () => {
    const conns = connections(1024 * 1024);
    const reply = await conns.request({ url: "https://mail.contoso.test/gzip-bomb" });
    expect(!reply.ok && reply.failure.category).toBe("response-too-large");
    await conns.close();
  });

  it("returns a redirect to the caller instead of following it", async () => {
    const conns = connections();
    const reply = await conns.request({ url: "https://mail.contoso.test/redirect" });
    expect(reply.ok && reply.value).toMatchObject({ status: 302, headers: { location: "https://elsewhere.fabrikam.test/autodiscover/autodiscover.xml" } });
    expect(conns.stats().handshakes).toEqual({ "https://mail.contoso.test:443": 1 });
    await conns.close();
  });

  it("keeps every WWW-Authenticate challenge", async () => {
    const conns = connections();
    const reply = await conns.request({ url: "https://mail.contoso.test/challenge" });
    expect(reply.ok && reply.value.headers["www-authenticate"]).toEqual(["Negotiate", "NTLM", 'Basic realm="mail.contoso.test"']);
    await conns.close();
  });
});

describe("plain http (invariant 3)", () => {
  it("allows an unauthenticated GET (the Autodiscover redirect probe)", async () => {
    const conns = connections();
    const reply = await conns.request({ url: "http://autodiscover.contoso.test/autodiscover/autodiscover.xml" });
    expect(reply.ok && reply.value.status).toBe(200);
    await conns.close();
  });

  it.each([
    { method: "GET" as const, headers: { Authorization: "Basic c3ZjOnNlY3JldA==" } },
    { method: "GET" as const, carriesCredentials: true },
    { method: "POST" as const, body: "<x/>" },
  ])("refuses %o over http, sending nothing", async (request) => {
    const conns = connections();
    const before = plain.counter.accepted;
    const reply = await conns.request({ url: "http://mail.contoso.test/EWS/Exchange.asmx", ...request });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "insecure-url", transient: false });
    expect(!reply.ok && reply.failure.message).not.toContain("c3ZjOnNlY3JldA");
    expect(plain.counter.accepted).toBe(before);
    expect(conns.stats().peakSockets).toBe(0);
    await conns.close();
  });
});
