import { describe, expect, it } from "vitest";
import { isPreviousCycleRunning, isProfileDue, mailboxesOfShard, planShards } from "../../lib/probe/schedule-plan.js";

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
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 0, startedAt: "2026-11-24T09:44:00Z" }, 4, 5, now)).toBe(false);
    expect(isPreviousCycleRunning({ cycle: 4, shards: 2, done: 0, startedAt: "2026-11-24T09:46:00Z" }, 4, 5, now)).toBe(true);
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

  it("gives every mailbox to exactly one shard, balanced to within one", () => {
    const list = Array.from({ length: 1001 }, (_, i) => `m${i}@contoso.com`);
    const parts = [0, 1, 2].map((index) => mailboxesOfShard(list, { index, count: 3 }));
    expect(parts.map((p) => p.length)).toEqual([334, 334, 333]);
    expect(new Set(parts.flat()).size).toBe(1001);
  });
});
