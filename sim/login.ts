import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "./http/io.js";
import type { OAuthAppSpec } from "./spec.js";
import type { OrgState } from "./state.js";
import { issueToken, verifyAssertion } from "./auth/tokens.js";

/** The token authority: enough of Microsoft Entra ID for MSAL / @azure/identity client credentials. */

export interface LoginContext {
  org: OrgState;
  /** The login host this request came to (the national clouds each have theirs). */
  host: string;
  tokenSecret: Buffer;
  /** Called when a token request carried a client secret or assertion. */
  onCredential(scheme: "client_secret" | "client_assertion"): void;
}

function aadError(res: ServerResponse, status: number, error: string, code: number, description: string): void {
  sendJson(res, status, {
    error,
    error_description: `AADSTS${code}: ${description}`,
    error_codes: [code],
    timestamp: new Date().toISOString().replace("T", " ").slice(0, 19) + "Z",
    trace_id: "00000000-0000-0000-0000-000000000000",
    correlation_id: "00000000-0000-0000-0000-000000000000",
  });
}

function openIdConfiguration(host: string, tenant: string): Record<string, unknown> {
  const base = `https://${host}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: "NA",
    cloud_instance_name: host,
  };
}

async function token(ctx: LoginContext, tenant: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const { org } = ctx;
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (secret !== null) ctx.onCredential("client_secret");
  if (assertion !== null) ctx.onCredential("client_assertion");
  if (!org.knownTenant(tenant)) return aadError(res, 400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
  if (form.get("grant_type") !== "client_credentials") return aadError(res, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  const clientId = form.get("client_id") ?? "";
  const app = org.app(tenant, clientId);
  if (!app) return aadError(res, 400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  if (app.tokenAnswer !== undefined) {
    const { status, body, retryAfter } = app.tokenAnswer;
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...(retryAfter === undefined ? {} : { "Retry-After": retryAfter }) });
    res.end(body);
    return;
  }
  if (app.tokenErrorQuotesSecret !== undefined && secret !== null) {
    const { after, hex = "upper" } = app.tokenErrorQuotesSecret;
    const sent = new URLSearchParams({ client_secret: secret }).toString();
    const quoted = hex === "lower" ? sent.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()) : sent;
    return aadError(res, 401, "invalid_client", 7000215, `${"Invalid client secret provided.".padEnd(after, ".")} The request was: ${quoted}`);
  }
  if (assertion !== null) {
    if (!app.certificatePem) return aadError(res, 401, "invalid_client", 700027, "The application has no certificate registered.");
    const check = verifyAssertion(assertion, app.certificatePem, ctx.host);
    if (!check.ok) return aadError(res, 401, "invalid_client", 700027, check.reason);
  } else if (secret === null || secret !== app.clientSecret) {
    return aadError(res, 401, "invalid_client", 7000215, "Invalid client secret provided.");
  }
  if (assertion === null && app.clientSecretExpired) {
    return aadError(res, 401, "invalid_client", 7000222, `The provided client secret keys for app '${app.clientId}' are expired.`);
  }
  const scope = (form.get("scope") ?? "").split(" ").find((s) => s.endsWith("/.default"));
  if (!scope) return aadError(res, 400, "invalid_scope", 1002012, "The provided value for scope is not valid; client credential flows must use a scope ending in /.default.");
  const now = Math.floor(Date.now() / 1000);
  const audience = scope.slice(0, -"/.default".length);
  const accessToken = issueToken(ctx.tokenSecret, {
    aud: audience,
    iss: `https://sts.windows.net/${tenant}/`,
    tid: tenant,
    appid: app.clientId,
    roles: rolesFor(org, app, audience),
    iat: now,
    nbf: now,
    exp: now + 3600,
  });
  sendJson(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
}

/** EWS's only application role; every other granted role belongs to Microsoft Graph. */
const ewsRoles: ReadonlySet<string> = new Set(["full_access_as_app"]);

/** The roles the app was granted on the resource the token is for: its roles claim. */
function rolesFor(org: OrgState, app: OAuthAppSpec, audience: string): string[] {
  const granted = app.roles ?? ["full_access_as_app"];
  let host = "";
  try {
    host = new URL(audience).hostname;
  } catch {
    return [];
  }
  const forGraph = org.server(host)?.spec.graph === true;
  return granted.filter((role) => ewsRoles.has(role) !== forGraph);
}

/** Answers one request to a login host. */
export async function handleLogin(ctx: LoginContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const host = ctx.host;
  const segments = path.split("/").filter(Boolean);
  const [tenant = "", ...rest] = segments;
  const tail = rest.join("/");
  if (req.method === "GET" && tail === "discovery/instance") {
    return sendJson(res, 200, {
      tenant_discovery_endpoint: `https://${host}/${tenant}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }
  if (req.method === "GET" && tail === "v2.0/.well-known/openid-configuration") {
    const known = ctx.org.knownTenant(tenant) || ["common", "organizations"].includes(tenant);
    return known ? sendJson(res, 200, openIdConfiguration(host, tenant)) : aadError(res, 400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
  }
  if (req.method === "GET" && tail === "discovery/v2.0/keys") return sendJson(res, 200, { keys: [] });
  if (req.method === "POST" && tail === "oauth2/v2.0/token") return token(ctx, tenant, req, res);
  return aadError(res, 404, "invalid_request", 900561, "The endpoint only accepts the requests the simulator implements.");
}
