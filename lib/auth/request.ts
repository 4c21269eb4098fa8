import type { Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/connections.js";
import { checkUrl } from "../net/send.js";
import type { HttpReply, HttpRequest } from "../net/types.js";
import { basicAuthorization } from "./basic.js";
import type { Credentials } from "./credentials.js";
import { ntlmRequest } from "./ntlm.js";
import type { TokenCache } from "./oauth.js";
import type { SecretBook } from "./secret-book.js";

/**
 * Sends a request as the profile's service account or app: Basic header, NTLM handshake on one
 * connection, or a Bearer token from the context's `tokens`. Refused before anything is sent (no token
 * fetched either) unless https.
 * `book` learns every secret put on the wire (header values, NTLM messages, the token) so answers can be redacted.
 */
export async function authenticatedRequest(conns: ProfileConnections, tokens: TokenCache, credentials: Credentials, request: HttpRequest, book?: SecretBook): Promise<Outcome<HttpReply>> {
  const secured: HttpRequest = { ...request, carriesCredentials: true };
  const url = checkUrl(secured);
  if (!url.ok) return url;
  switch (credentials.kind) {
    case "basic": {
      const authorization = basicAuthorization(credentials);
      book?.add(authorization);
      return conns.request({ ...secured, headers: { ...request.headers, authorization } });
    }
    case "ntlm":
      return ntlmRequest(conns, credentials, secured, (message) => book?.add(message));
    case "oauth": {
      const token = await tokens.token(conns, credentials);
      if (!token.ok) return token;
      const authorization = `Bearer ${token.value}`;
      book?.add(authorization);
      const reply = await conns.request({ ...secured, headers: { ...request.headers, authorization } });
      // A token the service refused (revoked, or signed with a key it no longer trusts) is not sent again until it expires.
      if (reply.ok && reply.value.status === 401) tokens.forget(credentials, token.value);
      return reply;
    }
  }
}
