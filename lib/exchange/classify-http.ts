import { classifyEwsError } from "../diagnosis/classify-ews.js";
import { makeFailure, type FailureDetails } from "../diagnosis/failure.js";
import { noRedaction, type Redact } from "../diagnosis/redact.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { clip } from "../diagnosis/text.js";
import type { Failure } from "../model/failure.js";
import { retryAfter } from "../net/index.js";
import { child } from "../xml/element.js";
import { parseXml } from "../xml/safe-parse.js";
import { soapFaultOf } from "./soap-fault.js";
import { describeChallenges, offers, parseWwwAuthenticate } from "./www-authenticate.js";

/** A fetch `Headers` object or a Node-style header record. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface HttpAnswer {
  status: number;
  headers: HeaderSource;
  body?: Buffer | string;
  authUsed: "basic" | "ntlm" | "bearer";
  ctx?: RemediationContext;
  /** Clock for HTTP-date Retry-After values; defaults to Date.now(). */
  now?: number;
  /** Removes the secrets the request carried from the server's words, before they are clipped into the message. */
  redact?: Redact;
}

/**
 * The Failure an HTTP answer stands for, or undefined when it is a 2xx that looks like XML
 * and should go to the protocol parser. A 500 carrying an EWS SOAP fault is classified by its ResponseCode.
 */
export function classifyHttpStatus(input: HttpAnswer): Failure | undefined {
  const answer = redactedHeaders(input);
  const { status, ctx = {} } = answer;
  const code = String(status);
  const fail = (category: Parameters<typeof makeFailure>[0], message: string, extra: Partial<FailureDetails> = {}) =>
    makeFailure(category, { code, message, context: ctx, ...extra });
  const diagnostics = header(answer.headers, "x-ms-diagnostics");
  const diag = diagnostics ? `; x-ms-diagnostics: ${clip(diagnostics)}` : "";

  if (status >= 200 && status < 300) {
    const type = header(answer.headers, "content-type") ?? "";
    const looksHtml = /html/i.test(type) || /^\s*(<!doctype html|<html)/i.test(bodyStart(answer.body));
    return looksHtml ? fail("invalid-response", `HTTP ${status} with an HTML page (${type || "no content type"}) instead of XML: probably a login page or a proxy's page.`) : undefined;
  }
  if (status === 401) {
    const challenges = parseWwwAuthenticate(header(answer.headers, "www-authenticate"));
    const offered = challenges.length ? describeChallenges(challenges) : "no WWW-Authenticate challenge";
    const message = clip(`HTTP 401 (${answer.authUsed} authentication refused); server offers: ${offered}${diag}`, 600);
    if (answer.authUsed === "basic" && challenges.length > 0 && !offers(challenges, "basic")) {
      return fail("basic-auth-disabled", message);
    }
    return fail("auth-failed", message);
  }
  if (status === 403) {
    // Exchange Online's EWS switch-off says why in its own header (disabled, or the app not on the allow list).
    const policy = header(answer.headers, "x-ews-policy-reason");
    const switchedOff = policy === undefined ? undefined : ewsPolicyOf(policy);
    const message = `HTTP 403 Forbidden${policy ? `; X-EWS-Policy-Reason: ${clip(policy, 200)}` : ""}${diag}${bodyWords(input)}`;
    return fail("access-denied", message, switchedOff === undefined ? {} : { context: { ...ctx, ewsPolicy: switchedOff } });
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = retryAfter(header(answer.headers, "retry-after"), answer.now ?? Date.now());
    const extra = retryAfterMs === undefined ? {} : { retryAfterMs };
    return fail("server-busy", `HTTP ${status}: the server is busy or throttling${diag}`, extra);
  }
  if (status === 500 && input.body !== undefined) {
    const fault = ewsFault(input.body);
    if (fault) return classifyEwsError(redactFault(fault, input.redact ?? noRedaction), ctx);
  }
  if (status >= 300 && status < 400) {
    const location = header(answer.headers, "location");
    return fail("http-status", `HTTP ${status} redirect${location ? ` to ${clip(location)}` : ""} where an answer was expected`, { transient: false });
  }
  return fail("http-status", `HTTP ${status}${diag}${bodyWords(input)}`, { transient: status >= 500 });
}


/**
 * The answer with its headers as they may be quoted: the request's secrets taken out of each one read. The body is
 * redacted only where its words are quoted (`bodyWords`): a 2xx answer's body is only sniffed for HTML, never quoted.
 */
function redactedHeaders(answer: HttpAnswer): HttpAnswer {
  const redact = answer.redact;
  if (redact === undefined || redact === noRedaction) return answer;
  const headers = { get: (name: string) => {
    const value = header(answer.headers, name);
    return value === undefined ? null : redact(value);
  } };
  return { ...answer, headers };
}

/** A SOAP fault's code and words with the request's secrets taken out. */
export function redactFault<T extends { responseCode: string; message: string }>(fault: T, redact: Redact): T {
  return { ...fault, responseCode: redact(fault.responseCode), message: redact(fault.message) };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === "function") return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(", ") : (value as string | undefined);
}

function bodyStart(body: Buffer | string | undefined, length = 512): string {
  if (body === undefined) return "";
  return (typeof body === "string" ? body.slice(0, length) : body.subarray(0, length).toString("utf8")).replace(/^\uFEFF/, "");
}

/** A short plain-text rendering of an error page, so the admin sees what the server said (secrets taken out before it is clipped). */
function bodyWords(answer: HttpAnswer): string {
  const redact = answer.redact ?? noRedaction;
  const start = redact === noRedaction || answer.body === undefined ? bodyStart(answer.body) : bodyStart(redact(bodyStart(answer.body, 64 * 1024)));
  const words = start
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ");
  const flat = clip(words, 200);
  return flat ? `; page says: "${flat}"` : "";
}

function ewsFault(body: Buffer | string) {
  const parsed = parseXml(body);
  return parsed.ok ? soapFaultOf(child(parsed.value, "Body")) : undefined;
}

/** What Exchange Online's X-EWS-Policy-Reason says: EWS switched off for the tenant or mailbox, or the app not on the allow list. */
export function ewsPolicyOf(reason: string): "blocked-by-policy" | "disabled" | undefined {
  if (/blocked by policy/i.test(reason)) return "blocked-by-policy";
  if (/\bdisabled\b/i.test(reason)) return "disabled";
  return undefined;
}
