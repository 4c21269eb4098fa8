import { createHash } from "node:crypto";
import { makeFailure } from "../diagnosis/failure.js";
import { signInRemediation } from "../diagnosis/remediation.js";
import type { Failure } from "../model/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/connections.js";
import { authorityHosts, tokenHostsOf, type OAuthCredentials } from "./credentials.js";
import { ProfileIdentityHttpClient } from "./identity-http.js";
import { SecretBook } from "./secret-book.js";

interface CachedToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Renew a token this long before it expires. */
const refreshMarginMs = 5 * 60_000;
const tokenDeadlineMs = 60_000;

/** One cache entry per app credential: authority, tenant, client, scope and the secret's fingerprint. */
function cacheKey(credentials: OAuthCredentials): string {
  const secret = credentials.app.kind === "client-secret" ? credentials.app.secret.reveal() : `cert:${credentials.app.pemPath}`;
  return createHash("sha256")
    .update([credentials.authorityHost, credentials.tenantId, credentials.clientId, credentials.scope, secret].join("\n"))
    .digest("hex");
}

/**
 * App-only access tokens (client credentials), one per credential until shortly before they expire; callers asking
 * at once share one fetch. One cache per app context (lib/app-context.ts). @azure/identity is loaded on first use
 * only, and its requests go through the profile's connections (custom DNS, extra CA, budget, timeouts).
 */
export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #inFlight = new Map<string, Promise<Outcome<string>>>();

  async token(conns: ProfileConnections, credentials: OAuthCredentials, now = Date.now()): Promise<Outcome<string>> {
    const key = cacheKey(credentials);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresOnTimestamp - refreshMarginMs > now) return succeed(cached.token);
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = fetchToken(conns, credentials).then((outcome) => {
        this.#inFlight.delete(key);
        if (outcome.ok) this.#tokens.set(key, outcome.value);
        return outcome.ok ? succeed(outcome.value.token) : outcome;
      });
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  /**
   * Forgets the cached token for these credentials when it is still `token`: the service refused it (HTTP 401 for
   * a whole request), so the next try fetches a new one instead of sending the refused token until it expires.
   * A token fetched meanwhile by another request is kept.
   */
  forget(credentials: OAuthCredentials, token: string): void {
    const key = cacheKey(credentials);
    if (this.#tokens.get(key)?.token === token) this.#tokens.delete(key);
  }
}

async function fetchToken(conns: ProfileConnections, credentials: OAuthCredentials): Promise<Outcome<CachedToken>> {
  const httpClient = new ProfileIdentityHttpClient(conns, tokenHostsOf(credentials));
  try {
    const identity = await import("@azure/identity");
    const knownAuthority = Object.values(authorityHosts).includes(credentials.authorityHost);
    const options = { authorityHost: credentials.authorityHost, httpClient, disableInstanceDiscovery: !knownAuthority };
    const credential =
      credentials.app.kind === "client-secret"
        ? new identity.ClientSecretCredential(credentials.tenantId, credentials.clientId, credentials.app.secret.reveal(), options)
        : new identity.ClientCertificateCredential(credentials.tenantId, credentials.clientId, { certificatePath: credentials.app.pemPath }, options);
    // The identity library retries on its own; the whole token fetch still has one deadline.
    const token = await credential.getToken(credentials.scope, { abortSignal: AbortSignal.timeout(tokenDeadlineMs) });
    return succeed({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
  } catch (error) {
    return fail(httpClient.lastFailure ?? tokenFailure(error, credentials));
  }
}

/**
 * Entra's answer (AADSTS code and its first sentence). The secret is removed in every form it could be quoted in
 * (a front end may echo the form-encoded request) before the line is clipped, so not even a prefix of it is left.
 */
function tokenFailure(error: unknown, credentials: OAuthCredentials): Failure {
  const text = error instanceof Error ? error.message : String(error);
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  const line = text.split(/\r?\n/).find((l) => l.includes("AADSTS")) ?? text.split(/\r?\n/)[0] ?? "";
  const safe = SecretBook.of(credentials).redact(line).slice(0, 300);
  const code = aadsts ?? (error instanceof Error ? error.name : "TOKEN_ERROR");
  const failure = makeFailure("auth-failed", {
    code,
    message: `no access token for app ${credentials.clientId} in tenant ${credentials.tenantId} from ${credentials.authorityHost}: ${safe}`,
    transient: false,
  });
  const app = { tenantId: credentials.tenantId, clientId: credentials.clientId, authorityHost: credentials.authorityHost, kind: credentials.app.kind };
  return { ...failure, remediation: signInRemediation(code, credentials.app.setting === undefined ? app : { ...app, setting: credentials.app.setting }) };
}
