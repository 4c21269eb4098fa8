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

/** What a credential would have reached, and who may receive it. */
export interface CredentialRefusal {
  /** The credential, as the message opens: "The Graph batch's Bearer token". */
  what: string;
  /** Where it would have gone (a URL or a host). */
  where: string;
  /** Whose hosts may receive it: "one of the global cloud's own hosts". */
  whose: string;
  allowed: readonly string[];
  /** Advice of its own, instead of the category's. */
  remediation?: string;
  context?: RemediationContext;
}

/** A credential kept from a host that is not among those allowed to receive it: nothing was sent. */
export function credentialHostRefused({ what, where, whose, allowed, remediation, context }: CredentialRefusal): Failure {
  const failure = makeFailure("insecure-url", {
    code: "CredentialHostRefused",
    message: `${what} would go to ${where}, which is not ${whose} (${allowed.join(", ")}); nothing was sent`,
    transient: false,
    ...(context === undefined ? {} : { context }),
  });
  if (remediation !== undefined) failure.remediation = remediation;
  return failure;
}
