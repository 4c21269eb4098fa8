import type { Failure, FailureCategory } from "../model/failure.js";

/** Which failure tells the administrator most when several endpoints failed differently. */
const rank: FailureCategory[] = [
  "autodiscover-redirect-refused",
  "autodiscover-redirect-loop",
  "insecure-url",
  "auth-failed",
  "basic-auth-disabled",
  "access-denied",
  "autodiscover-not-found",
  "tls-name-mismatch",
  "tls-expired",
  "tls-untrusted",
  "server-busy",
  "http-status",
  "invalid-response",
  "response-too-large",
  "timeout",
  "connect-timeout",
  "connection-refused",
  "autodiscover-error",
  "dns",
];

export function mostTelling(failures: readonly Failure[]): Failure {
  let best = failures[0]!;
  for (const f of failures) {
    const a = rank.indexOf(f.category);
    const b = rank.indexOf(best.category);
    if (a !== -1 && (b === -1 || a < b)) best = f;
  }
  return best;
}
