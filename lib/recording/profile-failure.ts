import type { FailureCategory } from "../model/failure.js";
import type { TestConnectionReport } from "../model/connection.js";
import type { ProfileFailure } from "../model/summary.js";

/**
 * What the Test Connection's mailbox step can say about the whole profile: the service account or app itself is
 * refused. Anything else there (a throttled, moved or missing mailbox, its own server unreachable) concerns the one
 * mailbox it opened, whose own check says so; the others may be fine.
 */
const aboutTheAccount: ReadonlySet<FailureCategory> = new Set(["auth-failed", "basic-auth-disabled", "credential-format", "impersonation-denied", "permission-missing", "unsupported-version"]);

/**
 * The profile-level failure of a cycle's Test Connection, if it has one: its first failed step, unless that is the
 * mailbox step failing for a reason that does not concern the account (see aboutTheAccount).
 */
export function profileFailureOf(report: TestConnectionReport, at: string, origin: ProfileFailure["origin"], mailboxes: number): ProfileFailure | undefined {
  const failed = report.steps.find((s) => s.ok === false);
  if (failed === undefined || failed.ok !== false) return undefined;
  if (failed.step === "mailbox" && !aboutTheAccount.has(failed.error.category)) return undefined;
  return { at, step: failed.step, failure: failed.error, origin, mailboxes };
}
