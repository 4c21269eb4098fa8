import { makeFailure } from "../diagnosis/failure.js";
import type { Failure } from "../model/failure.js";
import { headerValue, retryAfter } from "../net/index.js";

/** The longest Retry-After the identity library may wait out itself (its own retries absorb a short blip). */
const longestWaitInLine = 5_000;

/** An answer from Microsoft Entra ID's host; `tokenRequest`: it answers a token request (one with a body). */
export interface EntraAnswer {
  host: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  tokenRequest: boolean;
}

/** What an answer from Microsoft Entra ID means to the monitor: handed on, handed on while busy, or refused. */
export type TokenAnswer = { kind: "hand-on" } | { kind: "busy"; failure: Failure; waitInLine: boolean } | { kind: "refused"; failure: Failure };

/**
 * What an answer from Microsoft Entra ID says before @azure/identity reads it:
 * - busy (429, 5xx): a transient `server-busy` with its Retry-After, so the mailboxes wait for Entra instead of
 *   counting as refused. The library retries a short wait itself (a blip is absorbed); a longer one is refused at
 *   once, or the library would sleep it out past the probe's deadline;
 * - a token request answered 200 without a usable token (a proxy's page, an access_token that is not a string):
 *   refused as a transient `invalid-response` naming what is wrong.
 * Its words are never quoted (the request carried the app's secret): only the status and the AADSTS code.
 */
export function judgeTokenAnswer(answer: EntraAnswer, now = Date.now()): TokenAnswer {
  const busy = busyFailure(answer, now);
  if (busy !== undefined) return { kind: "busy", failure: busy, waitInLine: (busy.retryAfterMs ?? 0) <= longestWaitInLine };
  const refused = tokenRefusal(answer);
  return refused === undefined ? { kind: "hand-on" } : { kind: "refused", failure: refused };
}

function busyFailure(answer: EntraAnswer, now: number): Failure | undefined {
  const { host, status, headers, body } = answer;
  if (status === 429 || status >= 500) {
    const aadsts = /AADSTS\d+/.exec(body)?.[0];
    const wait = retryAfter(headerValue(headers, "retry-after"), now);
    const failure = makeFailure("server-busy", {
      code: aadsts ?? String(status),
      message: `Microsoft Entra ID at ${host} answered HTTP ${status}${aadsts === undefined ? "" : ` (${aadsts})`}: it could not issue a token just now`,
      transient: true,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
    return {
      ...failure,
      remediation: `Microsoft Entra ID is busy or briefly unavailable for this app; the mailboxes are not at fault and are tried again${wait === undefined ? "" : " after its Retry-After"}. If it lasts, check the Microsoft Entra service health, and whether another tool signs in with the same app so often that Entra throttles it.`,
    };
  }
  return undefined;
}

function tokenRefusal(answer: EntraAnswer): Failure | undefined {
  const { host, status, body } = answer;
  if (!answer.tokenRequest || status !== 200) return undefined;
  const problems = tokenBodyProblems(body);
  if (problems.length === 0) return undefined;
  const failure = makeFailure("invalid-response", {
    code: "TokenAnswerInvalid",
    message: `Microsoft Entra ID at ${host} answered HTTP 200 without a usable token: ${problems.join("; ")}`,
    transient: true,
  });
  return {
    ...failure,
    remediation: `Something answered in Microsoft Entra ID's place (a proxy's sign-in or error page, or a private endpoint that is not Entra): check the proxy and the DNS name ${host} from the monitor's network.`,
  };
}

function tokenBodyProblems(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ["the body is not JSON"];
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return ["the body is not a JSON object"];
  const { access_token: token, expires_in: expiresIn } = parsed as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof token !== "string" || token.trim() === "") problems.push("access_token is not a non-empty string");
  const seconds = typeof expiresIn === "string" && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) problems.push(expiresIn === undefined ? "expires_in is missing" : "expires_in is not a positive number of seconds");
  return problems;
}
