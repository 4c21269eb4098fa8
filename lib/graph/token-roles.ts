import { z } from "zod";

/** The claims of our own access token that readiness reads. */
export interface TokenClaims {
  roles: string[];
  audience?: string;
  appId?: string;
  tenantId?: string;
}

const claimsSchema = z.object({
  roles: z.array(z.string()).optional(),
  aud: z.string().optional(),
  appid: z.string().optional(),
  azp: z.string().optional(),
  tid: z.string().optional(),
});

export type TokenRead = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/**
 * Reads the payload of a JWT access token (base64url JSON, the middle part). No signature check: it is
 * the token Entra just gave us, only read to learn what the app was granted. A token without `roles`
 * has no application permission at all.
 */
export function readTokenClaims(token: string): TokenRead {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return { ok: false, reason: "the access token is not a JWT (three dot-separated parts)" };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "the access token's payload is not base64url JSON" };
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `the access token's claims are not as expected (${parsed.error.issues[0]?.path.join(".") || "payload"})` };
  const { roles = [], aud, appid, azp, tid } = parsed.data;
  const claims: TokenClaims = { roles };
  if (aud !== undefined) claims.audience = aud;
  if ((appid ?? azp) !== undefined) claims.appId = (appid ?? azp)!;
  if (tid !== undefined) claims.tenantId = tid;
  return { ok: true, claims };
}
