import type { ProbeMessage } from "./message.js";
import { shardShares } from "./shard-sizes.js";

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
 * How many of its mailboxes a shard that starts on its first page reads first: ten per connection (a round and more of
 * Graph batches of four), at least 100, at most a page.
 */
export const firstPageFor = (connections: number): number => Math.min(1000, Math.max(100, 10 * connections));

/**
 * Splits a cycle into shards of about `shardSize` mailboxes whose connection limits add up to the profile's Maximum
 * Concurrent Connections, each reading the range of address buckets that gives it work in proportion to its
 * connections (`shardShares`), so every connection of the profile stays busy until the cycle's last mailbox.
 * `bucketCounts` (the profile's mailboxes per bucket, when stored) puts the cuts at the real counts. `startsOnFirstPage`:
 * the profile's probe can start on the first of its mailboxes while it reads the others (`firstPage`).
 */
export function planShards(
  profile: { id: string; maxConcurrentConnections: number },
  mailboxCount: number,
  shardSize: number,
  cycle: number,
  now: Date,
  bucketCounts?: readonly number[],
  startsOnFirstPage = false,
): ProbeMessage[] {
  const sizing = { maxConnections: profile.maxConcurrentConnections, mailboxCount, shardSize, ...(bucketCounts ? { bucketCounts } : {}) };
  return shardShares(sizing).map((s) => ({
    profileId: profile.id,
    cycle,
    shard: { index: s.index, count: s.count },
    maxConnections: s.connections,
    buckets: s.buckets,
    scheduledAt: now.toISOString(),
    profileLimit: profile.maxConcurrentConnections,
    ...(startsOnFirstPage ? { firstPage: firstPageFor(s.connections) } : {}),
  }));
}
