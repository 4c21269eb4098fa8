import { describe, expect, it } from "vitest";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { importProfile } from "../../lib/profiles/import.js";
import { bucketCountsOf, listMailboxesOfShard } from "../../lib/store/mailboxes.js";
import { getProfile } from "../../lib/store/profiles.js";
import { litwareProfile } from "../support/cycle-org.js";
import { drainProbeMessages } from "../support/probe-queue.js";
import { testSettings, testStorage } from "../support/storage.js";

describe("shard balance (Azurite)", () => {
  it("gives each shard of a 2,000-mailbox cycle mailboxes in proportion to its connections, every mailbox once", async () => {
    const settings = testSettings();
    const storage = testStorage(settings);
    const addresses = Array.from({ length: 2000 }, (_, i) => `user${i}@litware.com`);
    expect((await importProfile(storage, litwareProfile(addresses))).ok).toBe(true);
    const counts = bucketCountsOf(addresses);
    expect((await getProfile(storage, "litware"))?.bucketCounts).toEqual(counts);

    await runSchedule({ storage, now: () => new Date(), probeQueue: settings.probeQueue, shardSize: 500 });
    const messages = (await drainProbeMessages(storage, settings.probeQueue)).sort((a, b) => a.shard.index - b.shard.index);
    expect(messages.map((m) => m.maxConnections)).toEqual([3, 3, 2, 2]);

    const shards = await Promise.all(messages.map((m) => listMailboxesOfShard(storage, "litware", m.buckets!)));
    const seen = shards.flat().map((m) => m.address);
    expect(seen).toHaveLength(2000);
    expect(new Set(seen).size).toBe(2000);
    // 200 mailboxes per connection, each shard off by at most one bucket (equal ranges gave the 2-connection
    // shards 500 mailboxes: 250 per connection, so they set the cycle's length).
    const biggestBucket = Math.max(...counts);
    shards.forEach((mailboxes, i) => expect(Math.abs(mailboxes.length - 200 * messages[i]!.maxConnections)).toBeLessThanOrEqual(biggestBucket));
  }, 60_000);
});
