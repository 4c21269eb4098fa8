import type { Failure, FailureCategory } from "../model/failure.js";
import { makeFailure, type FailureDetails } from "./failure.js";
import type { RemediationContext } from "./remediation.js";
import { withWords } from "./text.js";

interface Rule {
  category: FailureCategory;
  transient?: boolean;
}

// POX codes are numbers (MS-OXDSCLI); SOAP codes are names (GetUserSettings ErrorCode).
const rules: Readonly<Record<string, Rule>> = {
  "500": { category: "autodiscover-not-found", transient: false },
  "501": { category: "autodiscover-error", transient: false },
  "600": { category: "autodiscover-error" },
  "601": { category: "autodiscover-error" },
  "602": { category: "autodiscover-error", transient: false },
  "603": { category: "autodiscover-error", transient: true },
  InvalidUser: { category: "autodiscover-not-found", transient: false },
  InvalidDomain: { category: "autodiscover-not-found", transient: false },
  ServerBusy: { category: "server-busy", transient: true },
  InternalServerError: { category: "autodiscover-error", transient: true },
  NotFederated: { category: "autodiscover-error", transient: false },
};

/** The Failure an Autodiscover ErrorCode stands for; `code` is the ErrorCode itself. */
export function classifyAutodiscoverError(errorCode: string, message: string, ctx: RemediationContext = {}): Failure {
  const code = errorCode.trim();
  const rule = rules[code] ?? { category: "autodiscover-error" };
  const details: FailureDetails = {
    code: code || "unknown",
    message: withWords(`Autodiscover answered ${code || "an error without an ErrorCode"}`, message),
    context: ctx,
  };
  if (rule.transient !== undefined) details.transient = rule.transient;
  return makeFailure(rule.category, details);
}
