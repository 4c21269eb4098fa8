import type { Health, TestConnectionSummary, WindowFigures } from "../model/summary.js";
import { shouldNotify } from "./window.js";

/** A certificate that expires within this many days makes a profile degraded. */
export const certificateWarningDays = 14;

export interface HealthInput {
  lastHour: Pick<WindowFigures, "processed" | "failed">;
  lastTestConnection?: Pick<TestConnectionSummary, "ok">;
  disabledMailboxes: number;
  minCertDaysLeft?: number;
}

/**
 * One word for a profile, checked in this order (the first that matches wins):
 * - `failing`: the last Test Connection failed, or more than 50% of the mailboxes processed in
 *   the last hour failed (the same rule that emails the owner);
 * - `degraded`: some mailboxes failed in the last hour, some mailboxes are disabled, or a
 *   certificate expires within 14 days (or already has);
 * - `unknown`: nothing was processed in the last hour and Test Connection never ran;
 * - `ok`: otherwise.
 * Degraded comes before unknown because a disabled mailbox or an expiring certificate is a known
 * fact that needs attention even when nothing ran in the last hour.
 */
export function healthOf(input: HealthInput): Health {
  const { lastHour, lastTestConnection, disabledMailboxes, minCertDaysLeft } = input;
  if (lastTestConnection?.ok === false || shouldNotify(lastHour)) return "failing";
  const certificateExpiring = minCertDaysLeft !== undefined && minCertDaysLeft <= certificateWarningDays;
  if (lastHour.failed > 0 || disabledMailboxes > 0 || certificateExpiring) return "degraded";
  if (lastHour.processed === 0 && lastTestConnection === undefined) return "unknown";
  return "ok";
}
