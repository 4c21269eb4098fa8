import { describe, expect, it } from "vitest";
import { heaviestLoadPerConnection, shardShares, type ShardShare } from "../../lib/cycle/shard-sizes.js";
import { bucketCount, mailboxBucket, shardBuckets } from "../../lib/store/mailboxes.js";

/** Mailboxes per bucket for `n` addresses of one domain, as the store would count them. */
function histogram(n: number, domain = "p0.bench.test"): number[] {
  const counts = new Array<number>(bucketCount).fill(0);
  for (let m = 0; m < n; m++) counts[mailboxBucket(`user${m}@${domain}`)]! += 1;
  return counts;
}

function expectPartition(shares: readonly ShardShare[], limit: number): void {
  expect(shares.reduce((n, s) => n + s.connections, 0)).toBe(limit);
  expect(shares.every((s) => s.connections >= 1)).toBe(true);
  expect(shares[0]!.buckets.from).toBe(0);
  expect(shares.at(-1)!.buckets.to).toBe(bucketCount);
  shares.slice(1).forEach((s, i) => expect(s.buckets.from).toBe(shares[i]!.buckets.to));
  shares.forEach((s) => expect(s.buckets.to).toBeGreaterThanOrEqual(s.buckets.from));
}

/** Today's split: equal bucket ranges whatever each shard's connections. */
function equalRanges(shares: readonly ShardShare[]): ShardShare[] {
  return shares.map((s) => ({ ...s, buckets: shardBuckets({ index: s.index, count: s.count }) }));
}

describe("shardShares", () => {
  it("keeps the shard count and the connections of today's plan: at most shardSize mailboxes, never more shards than connections", () => {
    expect(shardShares({ maxConnections: 10, mailboxCount: 120, shardSize: 500 }).map((s) => s.connections)).toEqual([10]);
    expect(shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500 }).map((s) => s.connections)).toEqual([3, 3, 2, 2]);
    expect(shardShares({ maxConnections: 4, mailboxCount: 10_000, shardSize: 500 }).map((s) => s.connections)).toEqual([1, 1, 1, 1]);
    expect(shardShares({ maxConnections: 10, mailboxCount: 0, shardSize: 500 })).toHaveLength(1);
  });

  it("without bucket counts, cuts the bucket ranges in proportion to the connections", () => {
    const shares = shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500 });
    expectPartition(shares, 10);
    expect(shares.map((s) => [s.buckets.from, s.buckets.to])).toEqual([
      [0, 300],
      [300, 600],
      [600, 800],
      [800, 1000],
    ]);
  });

  it("a single shard reads every bucket with every connection", () => {
    expect(shardShares({ maxConnections: 7, mailboxCount: 300, shardSize: 500 })).toEqual([{ index: 0, count: 1, connections: 7, buckets: { from: 0, to: bucketCount } }]);
  });

  it.each([
    [500, 10],
    [1000, 10],
    [1500, 10],
    [2000, 10],
    [3000, 10],
    [10_000, 10],
    [2000, 7],
    [5000, 3],
  ])("with bucket counts, %i mailboxes over C=%i: no connection has more than its fair share plus one bucket", (mailboxes, limit) => {
    const counts = histogram(mailboxes);
    const shares = shardShares({ maxConnections: limit, mailboxCount: mailboxes, shardSize: 500, bucketCounts: counts });
    expectPartition(shares, limit);
    const fair = mailboxes / limit;
    const biggestBucket = Math.max(...counts);
    expect(heaviestLoadPerConnection(shares, counts)).toBeLessThanOrEqual(fair + biggestBucket);
  });

  it("balances where today's equal ranges do not: 2,000 mailboxes over 3, 3, 2, 2 connections", () => {
    const counts = histogram(2000);
    const withCounts = shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500, bucketCounts: counts });
    const expected = shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500 });
    const today = equalRanges(withCounts);
    // The equal split leaves the 2-connection shards with a quarter of the mailboxes each: 1.25 times the fair share or worse.
    expect(heaviestLoadPerConnection(today, counts)).toBeGreaterThanOrEqual(1.25 * 200);
    expect(heaviestLoadPerConnection(expected, counts)).toBeLessThan(heaviestLoadPerConnection(today, counts));
    expect(heaviestLoadPerConnection(withCounts, counts)).toBeLessThanOrEqual(heaviestLoadPerConnection(expected, counts));
  });

  it("ignores bucket counts of the wrong length or with no mailbox, and refuses a limit below one", () => {
    const plain = shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500 });
    expect(shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500, bucketCounts: [1, 2, 3] })).toEqual(plain);
    expect(shardShares({ maxConnections: 10, mailboxCount: 2000, shardSize: 500, bucketCounts: new Array<number>(bucketCount).fill(0) })).toEqual(plain);
    expect(() => shardShares({ maxConnections: 0, mailboxCount: 10, shardSize: 500 })).toThrow(RangeError);
  });
});
