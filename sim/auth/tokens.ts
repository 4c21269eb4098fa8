import { createHmac, createPublicKey, constants, timingSafeEqual, verify } from "node:crypto";

/** JWTs: the sim's own access tokens (HS256 with a per-run secret) and clients' certificate assertions. */

export interface AccessClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  roles: string[];
  iat: number;
  nbf: number;
  exp: number;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function issueToken(secret: Buffer, claims: AccessClaims): string {
  const head = b64url(JSON.stringify({ typ: "JWT", alg: "HS256" }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

export type TokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: string };

export function verifyToken(secret: Buffer, token: string, now = Date.now()): TokenCheck {
  const [head, body, sig] = token.split(".");
  if (!head || !body || !sig) return { ok: false, reason: "The token is malformed." };
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "The token signature is invalid." };
  const claims = decodePart(body) as AccessClaims | undefined;
  if (!claims) return { ok: false, reason: "The token is malformed." };
  if (claims.exp * 1000 < now) return { ok: false, reason: "The token has expired." };
  return { ok: true, claims };
}

export type AssertionCheck = { ok: true; issuer: string } | { ok: false; reason: string };

/** A client assertion (RFC 7523) signed with the key of `certificatePem`, for `audienceHost`. */
export function verifyAssertion(assertion: string, certificatePem: string, audienceHost: string, now = Date.now()): AssertionCheck {
  const [head, body, sig] = assertion.split(".");
  const header = decodePart(head);
  const claims = decodePart(body);
  if (!header || !claims || !sig) return { ok: false, reason: "AADSTS50027: JWT token is invalid or malformed." };
  const key = createPublicKey(certificatePem);
  const data = Buffer.from(`${head}.${body}`);
  const signature = Buffer.from(sig, "base64url");
  const alg = String(header.alg);
  const valid =
    alg === "RS256" ? verify("sha256", data, key, signature)
    : alg === "PS256" ? verify("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
    : alg === "ES256" ? verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature)
    : false;
  if (!valid) return { ok: false, reason: "AADSTS700027: Client assertion contains an invalid signature." };
  if (typeof claims.aud !== "string" || !claims.aud.toLowerCase().startsWith(`https://${audienceHost}/`)) {
    return { ok: false, reason: "AADSTS700016: Client assertion audience is invalid." };
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 < now) return { ok: false, reason: "AADSTS700024: Client assertion is not within its valid time range." };
  if (typeof claims.iss !== "string" || claims.iss !== claims.sub) return { ok: false, reason: "AADSTS700023: Client assertion issuer and subject differ." };
  return { ok: true, issuer: claims.iss };
}
