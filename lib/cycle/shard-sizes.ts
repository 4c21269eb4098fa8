import { bucketCount } from "../store/mailboxes.js";

/** One shard of a profile's cycle: its connections, and the bucket range [from, to) of the mailboxes it checks. */
export interface ShardShare {
  index: number;
  count: number;
  connections: number;
  buckets: { from: number; to: number };
}

export interface ShardSizing {
  /** The profile's Maximum Concurrent Connections. */
  maxConnections: number;
  mailboxCount: number;
  /** SHARD_SIZE: about how many mailboxes one shard (one queue message, one instance's work) should hold. */
  shardSize: number;
  /** Mailboxes per bucket (index = bucket, `bucketCount` entries), when known: the cuts then follow the real counts. */
  bucketCounts?: readonly number[];
}

/**
 * Splits a cycle into shards whose mailbox counts are proportional to their connections, so every connection
 * of the profile has the same work and stays busy until the cycle's last mailbox.
 *
 * The number of shards and their connections are as before (at most `shardSize` mailboxes each, never more
 * shards than connections, the connections spread as evenly as they go: 10 over 4 shards is 3, 3, 2, 2).
 * What changes is the mailboxes: each shard reads one contiguous range of address buckets (one range query),
 * and the ranges are cut where the cumulative share of connections falls, not into equal parts. Equal ranges
 * gave the shards with 2 connections as many mailboxes as those with 3, so they took 1.5 times as long while
 * the others idled. With the bucket counts the cuts hit the real mailbox counts to within one bucket; without
 * them the cuts are at the expected share (the bucket hash spreads addresses evenly, to within a few percent).
 */
export function shardShares(sizing: ShardSizing): ShardShare[] {
  const limit = sizing.maxConnections;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("maxConnections must be a positive integer");
  const wanted = Math.max(1, Math.ceil(sizing.mailboxCount / Math.max(1, sizing.shardSize)));
  const count = Math.min(wanted, limit);
  const base = Math.floor(limit / count);
  const extra = limit % count;
  const connections = Array.from({ length: count }, (_, index) => base + (index < extra ? 1 : 0));
  const cuts = cutPoints(connections, limit, sizing.bucketCounts);
  return connections.map((c, index) => ({ index, count, connections: c, buckets: { from: cuts[index]!, to: cuts[index + 1]! } }));
}

/** Where shard `index`'s connections start among the profile's `limit` (the connections of the shards before it). */
export function firstConnectionOf(limit: number, count: number, index: number): number {
  const base = Math.floor(limit / count);
  return index * base + Math.min(index, limit % count);
}

/** count + 1 bucket boundaries, from 0 to bucketCount, where the cumulative share of connections falls. */
function cutPoints(connections: readonly number[], limit: number, bucketCounts: readonly number[] | undefined): number[] {
  const counts = bucketCounts !== undefined && bucketCounts.length === bucketCount ? bucketCounts : undefined;
  const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
  const cuts = [0];
  let share = 0;
  let bucket = 0;
  let below = 0;
  for (let i = 0; i < connections.length - 1; i++) {
    share += connections[i]!;
    if (counts === undefined || total === 0) {
      cuts.push(Math.round((bucketCount * share) / limit));
      continue;
    }
    // Move the cut past whole buckets while that brings the mailboxes below it closer to the target.
    const target = (total * share) / limit;
    while (bucket < bucketCount && Math.abs(below + counts[bucket]! - target) <= Math.abs(below - target)) {
      below += counts[bucket]!;
      bucket += 1;
    }
    cuts.push(bucket);
  }
  cuts.push(bucketCount);
  return cuts;
}

/** The most mailboxes any one connection of the cycle has to check: the cycle's length in requests per connection. */
export function heaviestLoadPerConnection(shares: readonly ShardShare[], bucketCounts: readonly number[]): number {
  return Math.max(
    ...shares.map((s) => {
      let mailboxes = 0;
      for (let b = s.buckets.from; b < s.buckets.to; b++) mailboxes += bucketCounts[b] ?? 0;
      return mailboxes / s.connections;
    }),
  );
}
