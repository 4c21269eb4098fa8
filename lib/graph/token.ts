import type { OAuthCredentials, SecretBook, TokenCache } from "../auth/index.js";
import { credentialHostRefused } from "../diagnosis/failure.js";
import type { Failure } from "../model/failure.js";
import { fail, type Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/index.js";
import { credentialHostsOf, graphScopeOf, mayReceiveCredentials, type GraphCloud } from "./clouds.js";

/** The app's credentials and tokens go only to the cloud's own hosts; anything else is refused before a byte is sent. */
export function refusedHost(cloud: GraphCloud, url: string, what: string): Failure {
  const allowed = credentialHostsOf(cloud);
  return credentialHostRefused({
    what,
    where: url,
    whose: `one of the ${cloud.label} cloud's own hosts`,
    allowed,
    context: { api: "graph" },
    remediation: `Credentials for the ${cloud.label} cloud are only sent to ${allowed.join(", ")}. Check the profile's auth.cloud (public, usgov, usgov-dod or china) matches the tenant's cloud, and that no authority override points elsewhere.`,
  });
}

/** An app-only token for `scope`, from the cloud's own authority (through the context's token cache and the profile's connections). */
export async function cloudToken(connections: ProfileConnections, tokens: TokenCache, credentials: OAuthCredentials, cloud: GraphCloud, scope: string, book?: SecretBook): Promise<Outcome<string>> {
  if (!mayReceiveCredentials(cloud, credentials.authorityHost)) return fail(refusedHost(cloud, credentials.authorityHost, "The token request (with the app's secret or certificate assertion)"));
  const token = await tokens.token(connections, { ...credentials, scope });
  // A server that quotes the request back would quote the token: from now on it is redacted from what it says.
  if (token.ok) book?.add(token.value);
  return token;
}

export const graphToken = (connections: ProfileConnections, tokens: TokenCache, credentials: OAuthCredentials, cloud: GraphCloud, book?: SecretBook): Promise<Outcome<string>> =>
  cloudToken(connections, tokens, credentials, cloud, graphScopeOf(cloud), book);

/** Graph refused this token for a whole request (HTTP 401): drop it from the cache so the next try fetches a new one. */
export const forgetGraphToken = (tokens: TokenCache, credentials: OAuthCredentials, cloud: GraphCloud, token: string): void =>
  tokens.forget({ ...credentials, scope: graphScopeOf(cloud) }, token);
