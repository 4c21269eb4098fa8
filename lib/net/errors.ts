import type { Failure, FailureCategory } from "../model/failure.js";
import { makeFailure } from "../diagnosis/failure.js";
import { expiryCodes, nameMismatchCodes, untrustedCodes } from "./certificates.js";
import { isDnsError } from "./resolver.js";

/** The total deadline of one request passed (connection wait, headers and body together). */
export class DeadlineError extends Error {
  readonly code = "REQUEST_DEADLINE_EXCEEDED";
  constructor(readonly totalMs: number) {
    super(`no complete answer within the total deadline of ${totalMs} ms`);
  }
}

/** The response body (after decoding) grew past the cap; reading stopped and the connection was dropped. */
export class ResponseTooLargeError extends Error {
  readonly code = "RESPONSE_TOO_LARGE";
  constructor(readonly limit: number) {
    super(`the response is larger than ${limit} bytes`);
  }
}

const byCode: Record<string, FailureCategory> = {
  ENOTFOUND: "dns",
  ENODATA: "dns",
  EAI_AGAIN: "dns",
  ESERVFAIL: "dns",
  ECONNREFUSED: "connection-refused",
  EHOSTUNREACH: "connection-refused",
  ENETUNREACH: "connection-refused",
  UND_ERR_CONNECT_TIMEOUT: "connect-timeout",
  ETIMEDOUT: "connect-timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  REQUEST_DEADLINE_EXCEEDED: "timeout",
  RESPONSE_TOO_LARGE: "response-too-large",
  UND_ERR_RES_EXCEEDED_MAX_SIZE: "response-too-large",
};

const descriptions: Partial<Record<FailureCategory, string>> = {
  dns: "the host name did not resolve",
  "connection-refused": "the connection was refused",
  "connect-timeout": "no connection could be made in time",
  timeout: "the server did not answer in time",
  "tls-expired": "the server's certificate has expired or is not yet valid",
  "tls-name-mismatch": "the server's certificate does not name this host",
  "tls-untrusted": "the server's certificate is not trusted",
  "response-too-large": "the response is too large",
  "invalid-response": "the connection failed or the response could not be read",
};

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code !== "" ? code : error instanceof Error ? error.name : "UNKNOWN";
}

export function categoryOf(error: unknown): FailureCategory {
  if (isDnsError(error)) return "dns";
  const code = errorCode(error);
  if (expiryCodes.has(code)) return "tls-expired";
  if (nameMismatchCodes.has(code)) return "tls-name-mismatch";
  if (untrustedCodes.has(code)) return "tls-untrusted";
  return byCode[code] ?? "invalid-response";
}

/**
 * Maps a Node or undici error to the design's vocabulary. The message names the request by method,
 * origin and path only: no header (Authorization!) or body ever appears in it.
 */
export function classifyError(error: unknown, method: string, url: URL): Failure {
  const category = categoryOf(error);
  const code = errorCode(error);
  const where = `${method} ${url.origin}${url.pathname}`;
  const detail = error instanceof Error ? safeDetail(error.message) : "";
  const message = `${where}: ${descriptions[category] ?? "the request failed"} (${code}${detail ? `: ${detail}` : ""})`;
  return makeFailure(category, { code, message, context: { host: url.hostname } });
}

/** Node's own messages are short and secret-free; keep the first line and bound it. */
function safeDetail(message: string): string {
  return (message.split("\n")[0] ?? "").slice(0, 200);
}
