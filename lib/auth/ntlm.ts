import { createType1Message, createType3Message, parseType2Message } from "@node-ntlm/core";
import { makeFailure } from "../diagnosis/failure.js";
import { fail, type Outcome } from "../model/result.js";
import type { ProfileConnections } from "../net/connections.js";
import { headerValues, type HttpReply, type HttpRequest } from "../net/types.js";
import type { PasswordCredentials } from "./credentials.js";

/** The server's NTLM challenge (type 2), if a 401 offers one; challenges may share a header. */
export function ntlmChallenge(reply: HttpReply): string | undefined {
  if (reply.status !== 401) return undefined;
  for (const value of headerValues(reply.headers, "www-authenticate")) {
    for (const part of value.split(",")) {
      const match = /^\s*NTLM\s+([A-Za-z0-9+/=]+)\s*$/i.exec(part);
      if (match?.[1]) return `NTLM ${match[1]}`;
    }
  }
  return undefined;
}

/**
 * NTLM (Windows authentication): negotiate, challenge and authenticate on ONE kept-alive
 * connection, since the server binds the handshake to it. The user name is a UPN, sent with an
 * empty domain. A reply without an NTLM challenge is returned as it is, for the caller to judge.
 */
export async function ntlmRequest(
  conns: ProfileConnections,
  credentials: PasswordCredentials,
  request: HttpRequest,
  onSent: (authorization: string) => void = () => {},
): Promise<Outcome<HttpReply>> {
  const session = conns.openSession(request.url);
  if (!session.ok) return session;
  const connection = session.value;
  const send = (authorization: string) => {
    onSent(authorization);
    return connection.request({ ...request, headers: { ...request.headers, authorization }, carriesCredentials: true });
  };
  try {
    const negotiate = await send(createType1Message({ domain: "", workstation: "" }));
    if (!negotiate.ok) return negotiate;
    const challenge = ntlmChallenge(negotiate.value);
    if (challenge === undefined) return negotiate;
    let authenticate: string;
    try {
      const type2 = parseType2Message(challenge);
      authenticate = createType3Message(type2, { domain: "", workstation: "", username: credentials.username, password: credentials.password.reveal() });
    } catch {
      return fail(makeFailure("invalid-response", { code: "NTLM_BAD_CHALLENGE", message: `${request.url}: the server's NTLM challenge could not be read` }));
    }
    const reply = await send(authenticate);
    if (reply.ok && reply.value.status === 401 && connection.connectionsOpened() > 1) {
      return fail(
        makeFailure("auth-failed", {
          code: "NTLM_CONNECTION_NOT_KEPT",
          message: `${connection.origin} closed the connection during the NTLM handshake; a proxy that does not keep connections alive breaks Windows authentication`,
          transient: true,
        }),
      );
    }
    return reply;
  } finally {
    await connection.close();
  }
}
