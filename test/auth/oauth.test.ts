import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { throwawaySecret } from "../../sim/index.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticatedRequest, resolveCredentials, TokenCache, type Credentials } from "../../lib/auth/index.js";
import { ProfileConnections } from "../../lib/net/index.js";
import { createTestCa, type TestCa } from "../net/support/certs.js";
import { startHttps, toLocal, type TestServer } from "../net/support/servers.js";

const tenantId = "11111111-2222-3333-4444-555555555555";
const clientId = "66666666-7777-8888-9999-000000000000";
const authority = "https://login.sim.test";
const goodSecret = throwawaySecret("app");
const tokenRequests: URLSearchParams[] = [];
/** The Host of each token request; and whether the metadata names a token endpoint on another host. */
const tokenHostsSeen: string[] = [];
let tokenEndpointElsewhere = false;
type TokenAnswerSpec = { status: number; headers?: Record<string, string>; body: string };
/** When set, the token endpoint answers every token request so (a busy Entra, a proxy's page). */
let tokenAnswer: TokenAnswerSpec | undefined;
/** The next token requests are answered so, one each, before anything else. */
const tokenAnswersOnce: TokenAnswerSpec[] = [];
const bearerSeen: string[] = [];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** A Microsoft Entra stand-in: OpenID metadata and the client-credentials token endpoint. */
function entra(req: IncomingMessage, res: ServerResponse): void {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    const base = `${authority}/${tenantId}`;
    const path = new URL(req.url ?? "/", authority).pathname;
    if (path.endsWith("/.well-known/openid-configuration")) {
      json(res, 200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: tokenEndpointElsewhere ? `https://collector.sim.test/${tenantId}/oauth2/v2.0/token` : `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${authority}/common/discovery/v2.0/keys`,
      });
      return;
    }
    if (req.method === "POST" && path.endsWith("/oauth2/v2.0/token")) {
      const form = new URLSearchParams(body);
      tokenRequests.push(form);
      tokenHostsSeen.push(req.headers.host ?? "");
      const answer = tokenAnswersOnce.shift() ?? tokenAnswer;
      if (answer !== undefined) {
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.body);
        return;
      }
      if (form.get("client_secret") !== goodSecret) {
        json(res, 401, {
          error: "invalid_client",
          error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
          error_codes: [7000215],
        });
        return;
      }
      json(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: `token-${tokenRequests.length}` });
      return;
    }
    json(res, 404, { error: "not_found" });
  });
}

/** Tokens EWS refuses as if revoked. */
const refusedTokens = new Set<string>();

function ews(req: IncomingMessage, res: ServerResponse): void {
  const authorization = req.headers.authorization ?? "";
  bearerSeen.push(authorization);
  req.resume();
  res.writeHead(authorization.startsWith("Bearer token-") && !refusedTokens.has(authorization.slice("Bearer ".length)) ? 200 : 401).end();
}

let ca: TestCa;
let login: TestServer;
let exchange: TestServer;

beforeAll(async () => {
  ca = await createTestCa();
  login = await startHttps(await ca.issue(["login.sim.test", "collector.sim.test"]), entra);
  exchange = await startHttps(await ca.issue(["outlook.office365.test"]), ews);
});

afterAll(async () => {
  await login.close();
  await exchange.close();
});

/** A new cache per test, as a new app context has. */
let tokens: TokenCache;

beforeEach(() => {
  tokens = new TokenCache();
  tokenRequests.length = 0;
});

function connections(): ProfileConnections {
  const connectTo = toLocal({ "login.sim.test": login.port, "collector.sim.test": login.port, "outlook.office365.test": exchange.port });
  return new ProfileConnections({ maxConnections: 4, network: { dnsServers: [], extraCaPem: ca.caPem, connectTo } });
}

function credentials(secret: string): Credentials {
  const resolved = resolveCredentials(
    { kind: "oauth", tenantId, clientId, clientSecretSetting: "APP_SECRET", cloud: "public" },
    { APP_SECRET: secret },
    { authorityHost: authority },
  );
  if (!resolved.ok) throw new Error(resolved.failure.message);
  return resolved.value;
}

const ewsUrl = "https://outlook.office365.test/EWS/Exchange.asmx";

describe("OAuth client credentials", () => {
  it("fetches a token through the profile's own network settings and sends it as Bearer, once per credential", async () => {
    const conns = connections();
    const creds = credentials(goodSecret);
    const first = await authenticatedRequest(conns, tokens, creds, { url: ewsUrl, method: "POST", body: "<x/>" });
    const second = await authenticatedRequest(conns, tokens, creds, { url: ewsUrl, method: "POST", body: "<x/>" });
    expect(first.ok && first.value.status).toBe(200);
    expect(second.ok && second.value.status).toBe(200);
    expect(tokenRequests).toHaveLength(1);
    expect(Object.fromEntries(tokenRequests[0]!)).toMatchObject({
      grant_type: "client_credentials",
      client_id: clientId,
      scope: "https://outlook.office365.com/.default",
    });
    expect(bearerSeen.slice(-2)).toEqual(["Bearer token-1", "Bearer token-1"]);
    expect(conns.stats().handshakes[`${authority}:443`]).toBeGreaterThanOrEqual(1);
    await conns.close();
  });

  it("sends the app's secret to the authority's own host only, even when its metadata names another token endpoint", async () => {
    const conns = connections();
    tokenEndpointElsewhere = true;
    tokenHostsSeen.length = 0;
    try {
      const reply = await authenticatedRequest(conns, tokens, credentials(goodSecret), { url: ewsUrl, method: "POST", body: "<x/>" });
      expect(!reply.ok && reply.failure).toMatchObject({ category: "insecure-url", code: "CredentialHostRefused" });
      expect(!reply.ok && reply.failure.message).toMatch(/collector\.sim\.test.*nothing was sent/);
      expect(tokenHostsSeen).toEqual([]);
    } finally {
      tokenEndpointElsewhere = false;
      await conns.close();
    }
  });

  it("drops a token EWS refused (401), so the next request fetches a new one instead of failing until it expires", async () => {
    const conns = connections();
    const creds = credentials(goodSecret);
    const first = await authenticatedRequest(conns, tokens, creds, { url: ewsUrl, method: "POST", body: "<x/>" });
    expect(first.ok && first.value.status).toBe(200);
    refusedTokens.add("token-1");
    try {
      const refused = await authenticatedRequest(conns, tokens, creds, { url: ewsUrl, method: "POST", body: "<x/>" });
      expect(refused.ok && refused.value.status).toBe(401);
      const next = await authenticatedRequest(conns, tokens, creds, { url: ewsUrl, method: "POST", body: "<x/>" });
      expect(next.ok && next.value.status).toBe(200);
      expect(tokenRequests).toHaveLength(2);
      expect(bearerSeen.slice(-3)).toEqual(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
    } finally {
      refusedTokens.clear();
      await conns.close();
    }
  });

  it("shares one fetch among callers asking at once; another context's cache fetches its own", async () => {
    const conns = connections();
    const send = (cache: TokenCache) => authenticatedRequest(conns, cache, credentials(goodSecret), { url: ewsUrl, method: "POST", body: "<x/>" });
    const replies = await Promise.all([send(tokens), send(tokens), send(tokens)]);
    expect(replies.map((r) => r.ok && r.value.status)).toEqual([200, 200, 200]);
    expect(tokenRequests).toHaveLength(1);
    const other = await send(new TokenCache());
    expect(other.ok && other.value.status).toBe(200);
    expect(tokenRequests).toHaveLength(2);
    await conns.close();
  });

  it("reports a refused secret as auth-failed with Entra's code, never the secret", async () => {
    const conns = connections();
    const wrongSecret = throwawaySecret("wrong-secret");
    const reply = await authenticatedRequest(conns, tokens, credentials(wrongSecret), { url: ewsUrl, method: "POST", body: "<x/>" });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "auth-failed", code: "AADSTS7000215", transient: false });
    expect(!reply.ok && reply.failure.message).not.toContain(wrongSecret);
    await conns.close();
  });

  it("a busy Entra (429, 5xx) asking for a long wait is a transient server-busy with its Retry-After, answered at once instead of slept out by the identity library", async () => {
    const conns = connections();
    try {
      for (const [status, headers, code, wait] of [
        [429, { "retry-after": "150" }, "429", 150_000],
        [503, { "retry-after": "3600000" }, "503", 3_600_000],
      ] as const) {
        tokenRequests.length = 0;
        tokenAnswer = { status, headers, body: "Service busy" };
        const reply = await authenticatedRequest(conns, new TokenCache(), credentials(goodSecret), { url: ewsUrl });
        expect(!reply.ok && reply.failure, `${status}`).toMatchObject({ category: "server-busy", code, transient: true, retryAfterMs: wait });
        expect(!reply.ok && reply.failure.remediation).toMatch(/Microsoft Entra ID is busy/);
        // One request: the library did not wait the Retry-After out and ask again.
        expect(tokenRequests).toHaveLength(1);
      }
    } finally {
      tokenAnswer = undefined;
      await conns.close();
    }
  });

  it("a short Entra blip (5xx without a long wait) is retried by the identity library; one that lasts is a transient server-busy, not a refusal", async () => {
    const conns = connections();
    const transient = { status: 500, body: JSON.stringify({ error: "temporarily_unavailable", error_description: "AADSTS90033: A transient error has occurred. Please try again." }) };
    try {
      tokenRequests.length = 0;
      tokenAnswersOnce.push(transient);
      const blip = await authenticatedRequest(conns, new TokenCache(), credentials(goodSecret), { url: ewsUrl });
      expect(blip.ok).toBe(true);
      expect(tokenRequests).toHaveLength(2);

      tokenRequests.length = 0;
      tokenAnswer = transient;
      const lasting = await authenticatedRequest(conns, new TokenCache(), credentials(goodSecret), { url: ewsUrl });
      expect(!lasting.ok && lasting.failure).toMatchObject({ category: "server-busy", code: "AADSTS90033", transient: true });
      expect(tokenRequests.length).toBeGreaterThan(1);
    } finally {
      tokenAnswer = undefined;
      tokenAnswersOnce.length = 0;
      await conns.close();
    }
  });

  it("a 200 without a usable token (a proxy's page, an access_token that is not a string, no expires_in) is a transient invalid-response naming what is wrong", async () => {
    const conns = connections();
    try {
      for (const [body, problem] of [
        ["<html><body>Sign in to the proxy</body></html>", "the body is not JSON"],
        [JSON.stringify({ token_type: "Bearer", expires_in: 3599, access_token: 12345 }), "access_token is not a non-empty string"],
        [JSON.stringify({ token_type: "Bearer", access_token: "token-x" }), "expires_in is missing"],
        [JSON.stringify({ token_type: "Bearer", expires_in: -5, access_token: "token-x" }), "expires_in is not a positive number of seconds"],
      ] as const) {
        tokenAnswer = { status: 200, body };
        const reply = await authenticatedRequest(conns, new TokenCache(), credentials(goodSecret), { url: ewsUrl });
        expect(!reply.ok && reply.failure, body).toMatchObject({ category: "invalid-response", code: "TokenAnswerInvalid", transient: true, message: expect.stringContaining(problem) });
      }
    } finally {
      tokenAnswer = undefined;
      await conns.close();
    }
  });

  it("reports the network's own failure when the token endpoint cannot be reached", async () => {
    const conns = new ProfileConnections({
      maxConnections: 2,
      network: { dnsServers: [], connectTo: toLocal({ "login.sim.test": login.port, "outlook.office365.test": exchange.port }) },
    });
    const ewsConnections = exchange.counter.accepted;
    const reply = await authenticatedRequest(conns, tokens, credentials(goodSecret), { url: ewsUrl });
    expect(!reply.ok && reply.failure).toMatchObject({ category: "tls-untrusted", code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    expect(exchange.counter.accepted).toBe(ewsConnections); // no token, so EWS was never asked
    await conns.close();
  });
});
