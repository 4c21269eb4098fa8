import type { ChannelStatuses, MailboxCheck } from "../model/connection.js";
import type { AlertRecord } from "../model/alert.js";
import { longestServerWaitMs, type Failure } from "../model/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";

/** The platform's own policy, the default here: 10 transient failures 5 minutes apart, then disabled. */
export interface MailboxPolicy {
  maxConsecutiveTransientFailures: number;
  retryDelayMs: number;
}

export const platformPolicy: MailboxPolicy = { maxConsecutiveTransientFailures: 10, retryDelayMs: 5 * 60_000 };

/** What one check did to a mailbox; the probe logs it and the tests read it. */
export type MailboxTransition =
  | { kind: "enabled" }
  | { kind: "still-enabled" }
  | { kind: "recovered"; after: number }
  | { kind: "retrying"; failures: number; nextAttemptAt: string }
  | { kind: "disabled"; reason: "permanent" | "too-many-transient"; failure: Failure };

export interface PolicyOutcome {
  record: MailboxRecord;
  transition: MailboxTransition;
  alerts: AlertRecord[];
}

/** Is the mailbox to be probed in this cycle? Approved, and enabled or retrying with its next attempt due. */
export function isDue(record: MailboxRecord, now: Date): boolean {
  if (!record.approved) return false;
  if (record.state === "enabled") return true;
  if (record.state === "retrying") return record.nextAttemptAt === undefined || Date.parse(record.nextAttemptAt) <= now.getTime();
  return false;
}

/** Applies one check to a mailbox: the state it moves to, and the alerts that the move leaves. */
export function applyCheck(record: MailboxRecord, check: MailboxCheck, now: Date, cycle: number | undefined, policy: MailboxPolicy = platformPolicy): PolicyOutcome {
  const at = now.toISOString();
  const base: MailboxRecord = { ...record, channels: check.channels as ChannelStatuses, lastCheckedAt: at };
  if (cycle !== undefined) base.lastCycle = cycle;
  if (check.ewsUrl !== undefined && check.ewsUrl !== record.ewsUrl) {
    base.ewsUrl = check.ewsUrl;
    base.ewsUrlDiscoveredAt = at;
  }

  if (check.ok) {
    const { nextAttemptAt: _n, disabledReason: _d, lastError: _e, ...rest } = base;
    const next: MailboxRecord = { ...rest, state: "enabled", consecutiveFailures: 0, lastSuccessAt: at };
    if (record.state === "pending-approval" || record.state === "disabled") {
      return { record: next, transition: { kind: "enabled" }, alerts: [alert(record, at, "mailbox-enabled", ["mailbox"], `The mailbox ${record.address} was tested successfully and is enabled for synchronization.`)] };
    }
    if (record.state === "retrying" || record.consecutiveFailures > 0) {
      return {
        record: next,
        transition: { kind: "recovered", after: record.consecutiveFailures },
        alerts: [alert(record, at, "mailbox-recovered", ["mailbox"], `The mailbox ${record.address} synchronizes again after ${record.consecutiveFailures} failed tries.`)],
      };
    }
    return { record: next, transition: { kind: "still-enabled" }, alerts: [] };
  }

  const failure = check.error;
  // A bug in this monitor is no fault of the mailbox: it is retried, but never counts towards disabling it.
  const ours = failure.code === "internal-error";
  const failures = ours ? record.consecutiveFailures : record.consecutiveFailures + 1;
  const failed: MailboxRecord = { ...base, consecutiveFailures: failures, lastError: failure };
  if (ours || (failure.transient && failures < policy.maxConsecutiveTransientFailures)) {
    const delay = Math.max(policy.retryDelayMs, Math.min(failure.retryAfterMs ?? 0, longestServerWaitMs));
    const nextAttemptAt = new Date(now.getTime() + delay).toISOString();
    return { record: { ...failed, state: "retrying", nextAttemptAt }, transition: { kind: "retrying", failures, nextAttemptAt }, alerts: [] };
  }
  const reason = failure.transient ? "too-many-transient" : "permanent";
  const { nextAttemptAt: _n, ...rest } = failed;
  const why =
    reason === "permanent"
      ? `${failure.message}`
      : `${failures} tries in a row failed; the last: ${failure.message}`;
  const text = `The mailbox ${record.address} was disabled for synchronization (${failure.category}): ${why} ${failure.remediation}`;
  return {
    record: { ...rest, state: "disabled", disabledReason: failure },
    transition: { kind: "disabled", reason, failure },
    alerts: [alert(record, at, "mailbox-disabled", ["mailbox", "owner"], text, failure)],
  };
}

function alert(record: MailboxRecord, at: string, kind: AlertRecord["kind"], audiences: AlertRecord["audiences"], message: string, failure?: Failure): AlertRecord {
  const a: AlertRecord = { profileId: record.profileId, at, kind, audiences, address: record.address, message };
  if (failure !== undefined) a.failure = failure;
  return a;
}
