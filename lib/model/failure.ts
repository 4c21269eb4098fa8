/** The error vocabulary of the design: every failed step carries one of these. */
export const failureCategories = [
  "dns",
  "connection-refused",
  "connect-timeout",
  "timeout",
  "tls-untrusted",
  "tls-name-mismatch",
  "tls-expired",
  "insecure-url",
  "credential-format",
  "auth-failed",
  "basic-auth-disabled",
  "autodiscover-not-found",
  "autodiscover-redirect-loop",
  "autodiscover-redirect-refused",
  "autodiscover-error",
  "http-status",
  "impersonation-denied",
  "mailbox-not-found",
  "access-denied",
  "server-busy",
  "mailbox-moved",
  "unsupported-version",
  "invalid-response",
  "response-too-large",
  // Microsoft Graph
  "mailbox-not-in-cloud",
  "access-policy-denied",
  "permission-missing",
] as const;

export type FailureCategory = (typeof failureCategories)[number];

/**
 * The longest a server's Retry-After or BackOffMilliseconds is taken at. A server that asks for more (a year, or a
 * date centuries away) still has its mailbox tried again within the hour, instead of parking it out of sight.
 */
export const longestServerWaitMs = 60 * 60_000;

export interface Failure {
  category: FailureCategory;
  /** The most specific code seen: HTTP status, EWS ResponseCode, Autodiscover ErrorCode, Node error code. */
  code: string;
  transient: boolean;
  /** What happened, including Exchange's own words where it gave any. */
  message: string;
  /** What the administrator can do about it. */
  remediation: string;
  /** How long the server asked us to wait (ErrorServerBusy BackOffMilliseconds, 503 Retry-After), at most `longestServerWaitMs`. */
  retryAfterMs?: number;
  /** Microsoft Graph's innerError request-id, for the administrator to quote to Microsoft support. */
  requestId?: string;
  /** Microsoft Graph's innerError date (UTC) of the failed request. */
  date?: string;
}

export function isFailureCategory(value: string): value is FailureCategory {
  return (failureCategories as readonly string[]).includes(value);
}
