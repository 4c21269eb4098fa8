import type { Failure, FailureCategory } from "../model/failure.js";
import { remediationFor, type RemediationContext } from "./remediation.js";

/** Categories that mean "try again later"; everything else disables a mailbox at once. */
const transientCategories: ReadonlySet<FailureCategory> = new Set<FailureCategory>([
  "dns",
  "connection-refused",
  "connect-timeout",
  "timeout",
  "server-busy",
  "mailbox-moved",
  "http-status",
  "invalid-response",
  "response-too-large",
  "autodiscover-error",
]);

export function isTransientCategory(category: FailureCategory): boolean {
  return transientCategories.has(category);
}

export interface FailureDetails {
  code: string;
  message: string;
  /** Overrides the category's default when the code says otherwise (an HTTP 500 is transient, a 404 is not). */
  transient?: boolean;
  retryAfterMs?: number;
  context?: RemediationContext;
}

/** The one way to build a Failure: category, the most specific code, Exchange's words, and the remediation. */
export function makeFailure(category: FailureCategory, details: FailureDetails): Failure {
  const failure: Failure = {
    category,
    code: details.code,
    transient: details.transient ?? isTransientCategory(category),
    message: details.message,
    remediation: remediationFor(category, details.context ?? {}),
  };
  if (details.retryAfterMs !== undefined) failure.retryAfterMs = details.retryAfterMs;
  return failure;
}
