import { describe, expect, it } from "vitest";
import { isPreviousCycleRunning, isProfileDue, planShards } from "../../lib/cycle/shards.js";
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
      { profileId: "p", cycle: 3, shard: { index: 0, count: 1 }, maxConnections: 10, scheduledAt: now.toISOString() },
    ]);
  });

  it("splits a large profile into shards whose limits add up to the profile's", () => {
    const shards = planShards({ id: "p", maxConcurrentConnections: 10 }, 1000, 400, 1, now);
    expect(shards.map((s) => s.maxConnections)).toEqual([4, 3, 3]);
    const many = planShards({ id: "p", maxConcurrentConnections: 4 }, 10_000, 500, 1, now);
    expect(many).toHaveLength(4);
    expect(many.reduce((sum, s) => sum + s.maxConnections, 0)).toBe(4);
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
