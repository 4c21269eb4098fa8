import type { ProbeMessage } from "./message.js";

/** Timers fire on the minute with some jitter; a profile whose interval is a few seconds short of elapsed is still due. */
const dueToleranceMs = 5_000;

/**
 * A cycle still running keeps the next one back, so two cycles never share the profile's connections; a cycle
 * that has not finished 15 minutes after the next one became due (its messages were lost or poisoned) is taken
 * as abandoned and no longer holds the schedule up.
 */
export function isPreviousCycleRunning(
  progress: { cycle: number; shards?: number; done: number; startedAt?: string } | undefined,
  currentCycle: number,
  pollingIntervalMinutes: number,
  now: Date,
): boolean {
  if (progress === undefined || progress.cycle !== currentCycle || progress.shards === undefined || progress.startedAt === undefined) return false;
  if (progress.done >= progress.shards) return false;
  const abandonAfterMs = (pollingIntervalMinutes + 15) * 60_000;
  return now.getTime() - Date.parse(progress.startedAt) < abandonAfterMs;
}

export function isProfileDue(lastScheduledAt: string | undefined, pollingIntervalMinutes: number, now: Date): boolean {
  if (lastScheduledAt === undefined) return true;
  return now.getTime() - Date.parse(lastScheduledAt) >= pollingIntervalMinutes * 60_000 - dueToleranceMs;
}

/**
 * Splits a cycle into shards of at most `shardSize` mailboxes whose connection limits add up to no more than
 * the profile's Maximum Concurrent Connections. There are never more shards than connections, so every shard
 * gets at least one; past that point shards grow beyond `shardSize`.
 */
export function planShards(
  profile: { id: string; maxConcurrentConnections: number },
  mailboxCount: number,
  shardSize: number,
  cycle: number,
  now: Date,
): ProbeMessage[] {
  const wanted = Math.max(1, Math.ceil(mailboxCount / shardSize));
  const count = Math.min(wanted, profile.maxConcurrentConnections);
  const base = Math.floor(profile.maxConcurrentConnections / count);
  const extra = profile.maxConcurrentConnections % count;
  return Array.from({ length: count }, (_, index) => ({
    profileId: profile.id,
    cycle,
    shard: { index, count },
    maxConnections: base + (index < extra ? 1 : 0),
    scheduledAt: now.toISOString(),
  }));
}
