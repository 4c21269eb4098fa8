import { describe, expect, it } from "vitest";
import { firstPageFor, isPreviousCycleRunning, isProfileDue, planShards } from "../../lib/cycle/shards.js";
import { mailboxBucket, shardBuckets } from "../../lib/store/mailboxes.js";

const now = new Date("2026-11-24T10:00:00Z");

describe("schedule plan", () => {
  it("is due when the polling interval has elapsed, allowing for timer jitter", () => {
    expect(isProfileDue(undefined, 5, now)).toBe(true);
    expect(isProfileDue("2026-11-24T09:55:00Z", 5, now)).toBe(true);
    expect(isProfileDue("2026-11-24T09:55:03Z", 5, now)).toBe(true);
    expect(isProfileDue("2026-11-24T09:56:00Z", 5, now)).toBe(false);
  });

  it("holds the next cycle back while the previous one runs, unless it looks abandoned", () => {
    const started = "2026-11-24T09:55:00Z";
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 1, startedAt: started }, 4, 5, now)).toBe(true);
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 2, startedAt: started }, 4, 5, now)).toBe(false);
    expect(isPreviousCycleRunning({ cycle: 3, shards: 2, done: 1, startedAt: started }, 4, 5, now)).toBe(false);
    // Abandoned once the next cycle has been due for 15 minutes: 5 + 15 = 20 minutes after it started.
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 0, startedAt: "2026-11-24T09:39:59Z" }, 4, 5, now)).toBe(false);
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 0, startedAt: "2026-11-24T09:41:00Z" }, 4, 5, now)).toBe(true);
    // A daily profile: a cycle stuck since yesterday no longer holds today's back once it is 15 minutes overdue.
    expect(isPreviousCycleRunning({ cycle: 4, shards: 1, done: 0, startedAt: "2026-11-23T09:30:00Z" }, 4, 1440, now)).toBe(false);
    expect(isPreviousCycleRunning({ cycle: 4, shards: 1, done: 0, startedAt: "2026-11-23T09:50:00Z" }, 4, 1440, now)).toBe(true);
    expect(isPreviousCycleRunning(undefined, 4, 5, now)).toBe(false);
  });

  it("keeps a small profile in one message with the whole connection limit", () => {
    expect(planShards({ id: "p", maxConcurrentConnections: 10 }, 120, 500, 3, now)).toEqual([
      { profileId: "p", cycle: 3, shard: { index: 0, count: 1 }, maxConnections: 10, buckets: { from: 0, to: 1000 }, scheduledAt: now.toISOString(), profileLimit: 10 },
    ]);
  });

  it("splits a large profile into shards whose limits add up to the profile's", () => {
    const shards = planShards({ id: "p", maxConcurrentConnections: 10 }, 1000, 400, 1, now);
    expect(shards.map((s) => s.maxConnections)).toEqual([4, 3, 3]);
    const many = planShards({ id: "p", maxConcurrentConnections: 4 }, 10_000, 500, 1, now);
    expect(many).toHaveLength(4);
    expect(many.reduce((sum, s) => sum + s.maxConnections, 0)).toBe(4);
  });

  it("asks a shard that starts on its first page to read ten mailboxes per connection first, from 100 to 1,000", () => {
    expect([1, 10, 11, 40, 100].map(firstPageFor)).toEqual([100, 100, 110, 400, 1000]);
    const shards = planShards({ id: "p", maxConcurrentConnections: 30 }, 3000, 1000, 1, now, undefined, true);
    expect(shards.map((s) => [s.maxConnections, s.firstPage])).toEqual([
      [10, 100],
      [10, 100],
      [10, 100],
    ]);
    expect(planShards({ id: "p", maxConcurrentConnections: 30 }, 3000, 1000, 1, now).every((s) => s.firstPage === undefined)).toBe(true);
  });

  it("gives each shard a bucket range in proportion to its connections, at the real counts when known", () => {
    const shards = planShards({ id: "p", maxConcurrentConnections: 10 }, 2000, 500, 1, now);
    expect(shards.map((s) => [s.maxConnections, s.buckets])).toEqual([
      [3, { from: 0, to: 300 }],
      [3, { from: 300, to: 600 }],
      [2, { from: 600, to: 800 }],
      [2, { from: 800, to: 1000 }],
    ]);
    // All the mailboxes in the first half of the buckets: the cuts follow them.
    const counts = Array.from({ length: 1000 }, (_, b) => (b < 500 ? 4 : 0));
    const skewed = planShards({ id: "p", maxConcurrentConnections: 10 }, 2000, 500, 1, now, counts);
    expect(skewed.map((s) => s.buckets)).toEqual([
      { from: 0, to: 150 },
      { from: 150, to: 300 },
      { from: 300, to: 400 },
      { from: 400, to: 1000 },
    ]);
  });

  it("gives every mailbox to exactly one shard by a stable bucket of its address, roughly balanced", () => {
    const list = Array.from({ length: 3000 }, (_, i) => `m${i}@contoso.com`);
    const shards = [0, 1, 2].map((index) => shardBuckets({ index, count: 3 }));
    expect(shards).toEqual([{ from: 0, to: 333 }, { from: 333, to: 666 }, { from: 666, to: 1000 }]);
    const sizes = shards.map(({ from, to }) => list.filter((a) => mailboxBucket(a) >= from && mailboxBucket(a) < to).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3000);
    for (const size of sizes) expect(Math.abs(size - 1000)).toBeLessThan(100);
    expect(mailboxBucket("m1@contoso.com")).toBe(mailboxBucket("m1@contoso.com"));
  });
});
