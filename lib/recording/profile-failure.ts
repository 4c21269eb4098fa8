import type { FailureCategory } from "../model/failure.js";
import type { TestConnectionReport } from "../model/connection.js";
import type { ProfileFailure } from "../model/summary.js";

/** What the Test Connection's mailbox step can say about its one mailbox alone; the others may be fine. */
const aboutOneMailbox: ReadonlySet<FailureCategory> = new Set(["mailbox-not-found", "mailbox-moved", "mailbox-not-in-cloud", "access-denied", "access-policy-denied"]);

/**
 * The profile-level failure of a cycle's Test Connection, if it has one: its first failed step, unless that is the
 * mailbox step failing for a reason that concerns only the mailbox it opened (that mailbox's own check says so).
 */
export function profileFailureOf(report: TestConnectionReport, at: string, origin: ProfileFailure["origin"], mailboxes: number): ProfileFailure | undefined {
  const failed = report.steps.find((s) => s.ok === false);
  if (failed === undefined || failed.ok !== false) return undefined;
  if (failed.step === "mailbox" && aboutOneMailbox.has(failed.error.category)) return undefined;
  return { at, step: failed.step, failure: failed.error, origin, mailboxes };
}
