import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { OAuthAppSpec } from "../spec.js";
import type { OrgState, Principal, ServerState } from "../state.js";
import { buildChallenge, parseNtlm, verifyNtlmV2 } from "./ntlm.js";
import { verifyToken } from "./tokens.js";

export type AuthOutcome =
  | { kind: "ok"; principal: Principal }
  /** 401 with these WWW-Authenticate values and extra headers. */
  | { kind: "unauthorized"; challenges: string[]; headers?: Record<string, string> }
  | { kind: "forbidden"; reason: string; headers?: Record<string, string> };

type NtlmSocketState = { stage: "challenged"; challenge: Buffer } | { stage: "done"; principal: Principal };

/** NTLM authenticates a connection, not a request. */
const ntlmSockets = new WeakMap<Socket, NtlmSocketState>();

export const ewsAudience = "00000002-0000-0ff1-ce00-000000000000";

function challengesFor(server: ServerState, loginHost: string): AuthOutcome {
  const challenges: string[] = [];
  if (server.auth.includes("basic") && !server.knobs.basicDisabled) challenges.push(`Basic realm="${server.name}"`);
  if (server.auth.includes("ntlm")) challenges.push("Negotiate", "NTLM");
  if (server.auth.includes("bearer")) {
    challenges.push(
      `Bearer client_id="${ewsAudience}", trusted_issuers="00000001-0000-0000-c000-000000000000@*", ` +
        `token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="https://${loginHost}/common/oauth2/authorize", error="invalid_token"`,
    );
  }
  const diagnostics = server.auth.includes("bearer") ? { "x-ms-diagnostics": `2000000;reason="No token was presented.";error_category="invalid_token"` } : undefined;
  return { kind: "unauthorized", challenges, headers: diagnostics };
}

/** Finds the service account for a UPN, or for DOMAIN\user / user + NTLM domain. */
function accountFor(org: OrgState, user: string, domain = ""): Principal | undefined {
  const slash = user.indexOf("\\");
  if (slash >= 0) return accountFor(org, user.slice(slash + 1), user.slice(0, slash));
  const direct = org.account(user);
  if (direct) return { kind: "account", account: direct };
  const byName = org.spec.serviceAccounts?.find((a) => {
    const [local = "", upnDomain = ""] = a.upn.toLowerCase().split("@");
    return local === user.toLowerCase() && (domain === "" || upnDomain.split(".")[0] === domain.toLowerCase());
  });
  return byName ? { kind: "account", account: byName } : undefined;
}

function basic(org: OrgState, server: ServerState, token: string): AuthOutcome {
  const fail = challengesFor(server, org.loginHost);
  if (!server.auth.includes("basic") || server.knobs.basicDisabled) return fail;
  const decoded = Buffer.from(token, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const principal = accountFor(org, decoded.slice(0, colon));
  if (colon < 0 || principal?.kind !== "account" || principal.account.password !== decoded.slice(colon + 1)) return fail;
  return { kind: "ok", principal };
}

function ntlm(org: OrgState, server: ServerState, scheme: string, token: string, socket: Socket): AuthOutcome {
  const fail = challengesFor(server, org.loginHost);
  if (!server.auth.includes("ntlm")) return fail;
  const msg = parseNtlm(token);
  if (msg.type === 1) {
    const domain = server.spec.ntlmDomain ?? (server.group.split(".")[0] ?? "SIM").toUpperCase();
    const { token: type2, challenge } = buildChallenge(domain, server.name);
    ntlmSockets.set(socket, { stage: "challenged", challenge });
    return { kind: "unauthorized", challenges: [`${scheme} ${type2}`] };
  }
  const state = ntlmSockets.get(socket);
  ntlmSockets.delete(socket);
  if (msg.type !== 3 || state?.stage !== "challenged") return fail;
  const principal = accountFor(org, msg.user, msg.domain);
  if (principal?.kind !== "account" || !verifyNtlmV2(principal.account.password, msg, state.challenge)) return fail;
  ntlmSockets.set(socket, { stage: "done", principal });
  return { kind: "ok", principal };
}

function bearer(org: OrgState, server: ServerState, secret: Buffer, token: string): AuthOutcome {
  const fail = (reason: string): AuthOutcome => ({
    ...(challengesFor(server, org.loginHost) as Extract<AuthOutcome, { kind: "unauthorized" }>),
    headers: { "x-ms-diagnostics": `2000001;reason="${reason}";error_category="invalid_token"` },
  });
  if (!server.auth.includes("bearer")) return challengesFor(server, org.loginHost);
  const check = verifyToken(secret, token);
  if (!check.ok) return fail(check.reason);
  if (check.claims.aud.replace(/\/$/, "").toLowerCase() !== `https://${server.name}`) return fail("The audience claim value is invalid.");
  const app = org.app(check.claims.tid, check.claims.appid);
  if (!app) return fail("The application is unknown.");
  const policy = ewsPolicyReason(server, app);
  if (policy !== undefined) return { kind: "forbidden", reason: policy, headers: { "X-EWS-Policy-Reason": policy } };
  return { kind: "ok", principal: { kind: "app", app } };
}

/** Exchange Online's EWS switch-off (since October 2026): the organisation's EWSEnabled and EWSAllowedAppIDs, or an app kept off the list. */
function ewsPolicyReason(server: ServerState, app: OAuthAppSpec): string | undefined {
  if (server.knobs.ewsDisabled) return "EWS is disabled for this user or tenant";
  const allowList = server.knobs.ewsAllowedAppIds?.map((id) => id.toLowerCase());
  if (app.ewsAllowed === false || (allowList !== undefined && !allowList.includes(app.clientId.toLowerCase()))) {
    return "EWS is blocked by policy for this user or tenant";
  }
  return undefined;
}

export function authenticate(org: OrgState, server: ServerState, req: IncomingMessage, tokenSecret: Buffer): AuthOutcome {
  const header = req.headers.authorization;
  const socket = req.socket;
  if (!header) {
    const state = ntlmSockets.get(socket);
    return state?.stage === "done" ? { kind: "ok", principal: state.principal } : challengesFor(server, org.loginHost);
  }
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  const token = space < 0 ? "" : header.slice(space + 1).trim();
  switch (scheme.toLowerCase()) {
    case "basic":
      return basic(org, server, token);
    case "ntlm":
    case "negotiate":
      return ntlm(org, server, scheme, token, socket);
    case "bearer":
      return bearer(org, server, tokenSecret, token);
    default:
      return challengesFor(server, org.loginHost);
  }
}
