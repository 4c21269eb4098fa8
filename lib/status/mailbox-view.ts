import type { ChannelStatuses } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import { mailboxStates, type MailboxRecord, type MailboxState } from "../model/mailbox.js";

/** How many mailboxes the detail endpoint lists at most (counts always cover all of them). */
export const mailboxListCap = 500;

export interface MailboxStatus {
  address: string;
  state: MailboxState;
  approved: boolean;
  channels: ChannelStatuses;
  consecutiveFailures: number;
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  nextAttemptAt: string | null;
}

export type Diagnosis = Pick<Failure, "category" | "code" | "message" | "remediation" | "transient">;

export interface FailingMailbox extends MailboxStatus {
  diagnosis: Diagnosis | null;
  /**
   * Since when the mailbox has been failing, as far as the rollups know: it failed every check after
   * `lastSuccessAt` (null: it never succeeded), the last of them at `lastCheckedAt`.
   */
  failingAfter: string | null;
}

export interface Capped<T> {
  total: number;
  truncated: boolean;
  items: T[];
}

function mailboxStatus(m: MailboxRecord): MailboxStatus {
  return {
    address: m.address,
    state: m.state,
    approved: m.approved,
    channels: m.channels,
    consecutiveFailures: m.consecutiveFailures,
    lastCheckedAt: m.lastCheckedAt ?? null,
    lastSuccessAt: m.lastSuccessAt ?? null,
    nextAttemptAt: m.nextAttemptAt ?? null,
  };
}

export function diagnosis(f: Failure | undefined): Diagnosis | null {
  return f === undefined ? null : { category: f.category, code: f.code, message: f.message, remediation: f.remediation, transient: f.transient };
}

/** Retrying or disabled, or its last check failed (the probe clears `lastError` on success). */
export function isFailing(m: MailboxRecord): boolean {
  return m.state === "retrying" || m.state === "disabled" || m.lastError !== undefined;
}

function cap<T>(items: readonly T[], max: number): Capped<T> {
  return { total: items.length, truncated: items.length > max, items: items.slice(0, max) };
}

/** Failing mailboxes, most recently checked first (ties by address), each with its diagnosis. */
export function failingMailboxes(records: readonly MailboxRecord[], max = mailboxListCap): Capped<FailingMailbox> {
  const failing = records
    .filter(isFailing)
    .sort((a, b) => (b.lastCheckedAt ?? "").localeCompare(a.lastCheckedAt ?? "") || a.address.localeCompare(b.address))
    .map((m) => ({ ...mailboxStatus(m), diagnosis: diagnosis(m.lastError ?? m.disabledReason), failingAfter: m.lastSuccessAt ?? null }));
  return cap(failing, max);
}

export function mailboxStateCounts(records: readonly MailboxRecord[]): Record<MailboxState, number> {
  const counts = Object.fromEntries(mailboxStates.map((s) => [s, 0])) as Record<MailboxState, number>;
  for (const m of records) if (m.state in counts) counts[m.state] += 1;
  return counts;
}

/** Every mailbox in address order, capped, with the counts of all of them. */
export function mailboxList(records: readonly MailboxRecord[], max = mailboxListCap): Capped<MailboxStatus> & { counts: Record<MailboxState, number> } {
  const sorted = [...records].sort((a, b) => a.address.localeCompare(b.address));
  return { counts: mailboxStateCounts(records), ...cap(sorted.map(mailboxStatus), max) };
}
