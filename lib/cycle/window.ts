import type { Failure } from "../model/failure.js";
import type { HourCheck } from "../model/mailbox.js";
import type { HourlyRow, WindowFigures } from "../model/summary.js";
import { hourStart } from "../store/keys.js";

/**
 * What one mailbox did within a window, merged over the hour partitions it appears in.
 *
 * Why the stored "last success / last failure of the hour" is enough to be exact:
 * the notifier's window is [now − 60 min, now), so it meets at most two clock hours, and in
 * each of them it covers a SUFFIX of the tries recorded so far — the tail of the older hour
 * (from `from` to the end of that hour) and everything the current hour has recorded (nothing
 * is recorded after `now`). Within a suffix, "some success lies in the window" holds exactly
 * when the LAST success of that hour lies in the window: the last one is the latest, so if any
 * success is at or after `from`, the last one is too; and if the last one is before `from`,
 * all are. The same holds for failures. Hence "tried in the window" (processed) and "no try in
 * the window succeeded" (failed) are decided exactly from the stored pair.
 * The one case this cannot see is a window that ends before tries recorded later in its hour
 * (`to` in the past, mid-hour): a success stored at or after `to` may hide an earlier one
 * inside the window. Callers use `to = now` or an hour boundary, where that cannot happen.
 */
interface MailboxInWindow {
  address: string;
  lastSuccess?: number;
  lastFailure?: number;
  lastError?: Failure;
}

function inWindow(iso: string | undefined, from: number, to: number): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) && t >= from && t < to ? t : undefined;
}

const later = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Merges the hour rows of each distinct address (case-insensitively), keeping only tries inside [from, to). */
function mailboxesInWindow(checks: HourCheck[], from: Date, to: Date): MailboxInWindow[] {
  const start = from.getTime();
  const end = to.getTime();
  const byAddress = new Map<string, MailboxInWindow>();
  for (const check of checks) {
    const key = check.address.toLowerCase();
    const entry = byAddress.get(key) ?? { address: check.address };
    const success = inWindow(check.lastSuccessAt, start, end);
    const failure = inWindow(check.lastFailureAt, start, end);
    entry.lastSuccess = later(entry.lastSuccess, success);
    if (failure !== undefined && (entry.lastFailure === undefined || failure >= entry.lastFailure)) {
      entry.lastFailure = failure;
      if (check.lastError !== undefined) entry.lastError = check.lastError;
    }
    byAddress.set(key, entry);
  }
  return [...byAddress.values()];
}

const isProcessed = (m: MailboxInWindow): boolean => m.lastSuccess !== undefined || m.lastFailure !== undefined;
const isFailed = (m: MailboxInWindow): boolean => m.lastSuccess === undefined && m.lastFailure !== undefined;

/** failed / processed × 100, rounded to two decimals; 0 when nothing was processed. */
export function failurePercent(failed: number, processed: number): number {
  return processed === 0 ? 0 : Math.round((failed * 10_000) / processed) / 100;
}

function figures(processed: number, failed: number): WindowFigures {
  return { processed, failed, succeeded: processed - failed, failurePercent: failurePercent(failed, processed) };
}

/**
 * Distinct mailboxes tried in [from, to) (processed) and those among them with no successful
 * try in the window (failed): a mailbox that failed and then succeeded is not failed.
 */
export function windowFigures(checks: HourCheck[], from: Date, to: Date): WindowFigures {
  const processed = mailboxesInWindow(checks, from, to).filter(isProcessed);
  return figures(processed.length, processed.filter(isFailed).length);
}

export interface FailingMailbox {
  address: string;
  lastFailureAt: string;
  lastError?: Failure;
}

/** The failed mailboxes of the window with their last error, most recent failure first. */
export function failingMailboxes(checks: HourCheck[], from: Date, to: Date): FailingMailbox[] {
  return mailboxesInWindow(checks, from, to)
    .filter(isFailed)
    .sort((a, b) => (b.lastFailure ?? 0) - (a.lastFailure ?? 0) || a.address.localeCompare(b.address))
    .map((m) => {
      const failing: FailingMailbox = { address: m.address, lastFailureAt: new Date(m.lastFailure ?? 0).toISOString() };
      if (m.lastError !== undefined) failing.lastError = m.lastError;
      return failing;
    });
}

/** The `hourly` row of one clock hour (`yyyyMMddHH`): the window figures of that whole hour. */
export function hourlyRow(checks: HourCheck[], hour: string): HourlyRow {
  const from = hourStart(hour);
  return { hour, ...windowFigures(checks, from, new Date(from.getTime() + 3_600_000)) };
}

/**
 * The documentation's rule: email when MORE than 50% of the mailboxes processed failed.
 * Strict, in integers (no rounding can tip it): failed × 2 > processed. Nothing processed, nothing sent.
 */
export function shouldNotify(f: Pick<WindowFigures, "processed" | "failed">): boolean {
  return f.processed > 0 && f.failed * 2 > f.processed;
}
