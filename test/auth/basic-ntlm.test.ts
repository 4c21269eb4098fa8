import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { throwawaySecret } from "../../sim/index.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { generateNegotiateResponse } from "@node-ntlm/core/testing";
import { authenticatedRequest, resolveCredentials, TokenCache, type Credentials } from "../../lib/auth/index.js";
import { ProfileConnections } from "../../lib/net/index.js";
import { createTestCa, type TestCa } from "../net/support/certs.js";
import { startHttp, startHttps, type TestServer } from "../net/support/servers.js";

const password = throwawaySecret("ntlm");
const env = { EWS_PASSWORD: password };
/** Basic and NTLM never ask it for a token. */
const tokens = new TokenCache();

interface Type3 {
  username: string;
  domain: string;
  ntResponseLength: number;
}

function field(message: Buffer, at: number): Buffer {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  return message.subarray(offset, offset + length);
}

function readType3(header: string): Type3 {
  const message = Buffer.from(header.replace(/^NTLM /, ""), "base64");
  if (message.readUInt32LE(8) !== 3) throw new Error("not a type 3 message");
  const text = (b: Buffer) => (b.includes(0) ? b.toString("utf16le") : b.toString("latin1"));
  return { ntResponseLength: field(message, 20).length, domain: text(field(message, 28)), username: text(field(message, 36)) };
}

/** An IIS-like endpoint: NTLM handshakes must complete on the socket they started on. */
const handshakes = new WeakMap<Socket, "challenged">();
const log: Array<{ step: string; sameSocket?: boolean; type3?: Type3; authorization?: string }> = [];
let closeAfterChallenge = false;

function ews(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on("end", () => {
    const authorization = req.headers.authorization ?? "";
    if (req.url?.startsWith("/basic")) {
      log.push({ step: "basic", authorization });
      res.writeHead(authorization.startsWith("Basic ") ? 200 : 401, { "www-authenticate": 'Basic realm="mail"' }).end();
      return;
    }
    const message = /^NTLM (\S+)$/.exec(authorization)?.[1];
    const type = message ? Buffer.from(message, "base64").readUInt32LE(8) : 0;
    if (type === 1) {
      handshakes.set(req.socket, "challenged");
      log.push({ step: "negotiate" });
      const headers: Record<string, string> = { "www-authenticate": generateNegotiateResponse(authorization) };
      if (closeAfterChallenge) headers.connection = "close";
      res.writeHead(401, headers).end();
      return;
    }
    if (type === 3) {
      const sameSocket = handshakes.get(req.socket) === "challenged";
      const type3 = readType3(authorization);
      log.push({ step: "authenticate", sameSocket, type3 });
      res.writeHead(sameSocket ? 200 : 401, sameSocket ? {} : { "www-authenticate": "NTLM" }).end("<ok/>");
      return;
    }
    res.writeHead(401, { "www-authenticate": ["Negotiate", "NTLM"] }).end();
  });
}

let ca: TestCa;
let server: TestServer;
let plain: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  server = await startHttps(await ca.issue(["mail.contoso.test"]), ews);
  plain = await startHttp(ews);
});

afterAll(async () => {
  await server.close();
  await plain.close();
});

function connections(): ProfileConnections {
  const connectTo = (_h: string, port: number) => ({ host: "127.0.0.1", port: port === 80 ? plain.port : server.port });
  return new ProfileConnections({ maxConnections: 3, network: { dnsServers: [], extraCaPem: ca.caPem, connectTo } });
}

function credentials(kind: "basic" | "ntlm"): Credentials {
  const resolved = resolveCredentials({ kind, username: "svc-crm@contoso.com", passwordSetting: "EWS_PASSWORD" }, env);
  if (!resolved.ok) throw new Error(resolved.failure.message);
  return resolved.value;
}

const soap = { method: "POST" as const, headers: { "content-type": "text/xml; charset=utf-8" }, body: "<soap:Envelope/>" };

describe("Basic", () => {
  it("sends the Authorization header", async () => {
    const conns = connections();
    const reply = await authenticatedRequest(conns, tokens, credentials("basic"), { url: "https://mail.contoso.test/basic", ...soap });
    expect(reply.ok && reply.value.status).toBe(200);
    expect(log.at(-1)?.authorization).toBe(`Basic ${Buffer.from(`svc-crm@contoso.com:${password}`).toString("base64")}`);
    await conns.close();
  });

  it.each(["basic", "ntlm"] as const)("%s: never sends credentials over http (nothing reaches the server)", async (kind) => {
    const conns = connections();
    const before = plain.counter.accepted;
    const reply = await authenticatedRequest(conns, tokens, credentials(kind), { url: "http://mail.contoso.test/basic", ...soap });
    expect(!reply.ok && reply.failure.category).toBe("insecure-url");
    expect(!reply.ok && reply.failure.message).not.toContain(password);
    expect(plain.counter.accepted).toBe(before);
    await conns.close();
  });
});

describe("NTLM", () => {
  it("runs negotiate, challenge and authenticate on one kept-alive connection", async () => {
    closeAfterChallenge = false;
    log.length = 0;
    const conns = connections();
    const before = server.counter.accepted;
    const reply = await authenticatedRequest(conns, tokens, credentials("ntlm"), { url: "https://mail.contoso.test/EWS/Exchange.asmx", ...soap });
    expect(reply.ok && reply.value.status).toBe(200);
    expect(log.map((l) => l.step)).toEqual(["negotiate", "authenticate"]);
    expect(log[1]).toMatchObject({ sameSocket: true, type3: { username: "svc-crm@contoso.com", domain: "" } });
    expect(log[1]?.type3?.ntResponseLength).toBeGreaterThan(24); // NTLMv2, not v1
    expect(server.counter.accepted - before).toBe(1);
    await conns.close();
  });

  it("says so when the server drops the connection between challenge and answer", async () => {
    closeAfterChallenge = true;
    const conns = connections();
    const reply = await authenticatedRequest(conns, tokens, credentials("ntlm"), { url: "https://mail.contoso.test/EWS/Exchange.asmx", ...soap });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "auth-failed", code: "NTLM_CONNECTION_NOT_KEPT" });
    closeAfterChallenge = false;
    await conns.close();
  });

  it("returns a 401 that offers no NTLM challenge as it is, for the caller to diagnose", async () => {
    const conns = connections();
    const reply = await authenticatedRequest(conns, tokens, credentials("ntlm"), { url: "https://mail.contoso.test/basic", ...soap });
    expect(reply.ok && reply.value.status).toBe(401);
    expect(reply.ok && reply.value.headers["www-authenticate"]).toBe('Basic realm="mail"');
    await conns.close();
  });
});
