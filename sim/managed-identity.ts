import type { IncomingMessage, ServerResponse } from "node:http";
import { issueToken } from "./auth/tokens.js";
import { sendJson } from "./http/io.js";
import type { ManagedIdentitySpec } from "./spec.js";

export const managedIdentityPath = "/msi/token";

/**
 * App Service's managed identity endpoint (api-version 2019-08-01): GET with the X-IDENTITY-HEADER secret, `resource`,
 * and `client_id` for a user-assigned identity; answers a token for the resource, valid an hour.
 */
export function handleManagedIdentity(spec: ManagedIdentitySpec, tokenSecret: Buffer, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const refuse = (status: number, message: string) => sendJson(res, status, { statusCode: String(status), message, correlationId: "00000000-0000-0000-0000-000000000000" });
  if (req.method !== "GET") return refuse(405, "Only GET is supported.");
  if (req.headers["x-identity-header"] !== spec.header) return refuse(401, "The X-IDENTITY-HEADER header is missing or wrong.");
  const resource = url.searchParams.get("resource");
  if (!resource) return refuse(400, "The resource parameter is required.");
  const asked = url.searchParams.get("client_id") ?? undefined;
  const clientId = asked === undefined ? spec.systemAssigned : spec.userAssigned?.find((id) => id.toLowerCase() === asked.toLowerCase());
  if (clientId === undefined) return refuse(400, asked === undefined ? "No system-assigned identity is enabled." : `No user-assigned identity ${asked} is assigned to this app.`);
  const now = Math.floor(Date.now() / 1000);
  const audience = resource.replace(/\/\.default$/, "");
  const token = issueToken(tokenSecret, { aud: audience, iss: `https://sts.windows.net/${spec.tenant}/`, tid: spec.tenant, appid: clientId, roles: [], iat: now, nbf: now, exp: now + 3600 });
  sendJson(res, 200, { access_token: token, expires_on: String(now + 3600), resource, token_type: "Bearer", client_id: clientId });
}
