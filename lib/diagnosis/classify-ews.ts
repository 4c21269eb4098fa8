import type { Failure, FailureCategory } from "../model/failure.js";
import { makeFailure, type FailureDetails } from "./failure.js";
import type { RemediationContext } from "./remediation.js";
import { withWords } from "./text.js";

interface Rule {
  category: FailureCategory;
  /** Only where the code says otherwise than the category's default. */
  transient?: boolean;
}

const rules: Readonly<Record<string, Rule>> = {
  ErrorImpersonateUserDenied: { category: "impersonation-denied", transient: false },
  ErrorImpersonationDenied: { category: "impersonation-denied", transient: false },
  ErrorImpersonationFailed: { category: "impersonation-denied", transient: false },
  ErrorNonExistentMailbox: { category: "mailbox-not-found", transient: false },
  ErrorMailRecipientNotFound: { category: "mailbox-not-found", transient: false },
  ErrorNonPrimarySmtpAddress: { category: "mailbox-not-found", transient: false },
  ErrorInvalidSmtpAddress: { category: "mailbox-not-found", transient: false },
  ErrorServerBusy: { category: "server-busy", transient: true },
  ErrorExceededConnectionCount: { category: "server-busy", transient: true },
  ErrorTooManyObjectsOpened: { category: "server-busy", transient: true },
  ErrorAccessDenied: { category: "access-denied" },
  ErrorAccountDisabled: { category: "auth-failed", transient: false },
  ErrorConnectionFailed: { category: "mailbox-moved", transient: true },
  ErrorMailboxMoveInProgress: { category: "mailbox-moved", transient: true },
  ErrorMailboxStoreUnavailable: { category: "mailbox-moved", transient: true },
  ErrorTimeoutExpired: { category: "timeout", transient: true },
  ErrorSchemaValidation: { category: "invalid-response" },
  ErrorInvalidRequest: { category: "invalid-response" },
  ErrorInvalidServerVersion: { category: "unsupported-version" },
  ErrorIncorrectSchemaVersion: { category: "unsupported-version" },
  ErrorInternalServerError: { category: "http-status", transient: true },
  ErrorInternalServerTransientError: { category: "http-status", transient: true },
};

/** The Failure an EWS ResponseCode stands for; `code` is the ResponseCode itself. */
export function classifyEwsResponseCode(
  code: string,
  message: string,
  ctx: RemediationContext = {},
  backOffMs?: number,
): Failure {
  const responseCode = code.trim();
  const rule = rules[responseCode] ?? { category: "http-status", transient: true };
  const details: FailureDetails = {
    code: responseCode || "unknown",
    message: withWords(`EWS answered ${responseCode || "an error without a ResponseCode"}`, message),
    context: ctx,
  };
  if (rule.transient !== undefined) details.transient = rule.transient;
  if (rule.category === "server-busy" && backOffMs !== undefined) details.retryAfterMs = backOffMs;
  return makeFailure(rule.category, details);
}

/** Convenience for a GetFolder `fault` answer or a `firstFolderError` result. */
export function classifyEwsError(
  error: { responseCode: string; message: string; backOffMs?: number },
  ctx: RemediationContext = {},
): Failure {
  return classifyEwsResponseCode(error.responseCode, error.message, ctx, error.backOffMs);
}
