import { afterEach, describe, expect, inject, it } from "vitest";
import { runSchedule } from "../../lib/cycle/schedule.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listCycles } from "../../lib/store/cycles.js";
import { getProfile } from "../../lib/store/profiles.js";
import { contosoProfile } from "../support/cycle-org.js";
import { testSettings, testStorage } from "../support/storage.js";
import { endpointOf, TcpProxy, withEndpoint } from "../support/tcp-proxy.js";

let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const minutes = (n: number) => new Date(Date.parse("2026-11-30T10:00:00Z") + n * 60_000);

describe("a queue that refuses the cycle's message", () => {
  it("leaves no cycle recorded as running, gives the claim back, and the next run enqueues once the queue is back", async () => {
    const connectionString = inject("storageConnectionString");
    proxy = await new TcpProxy(endpointOf(connectionString, "QueueEndpoint")).start();
    const settings = testSettings({ AzureWebJobsStorage: withEndpoint(connectionString, "QueueEndpoint", proxy.port) });
    const storage = testStorage(settings);
    expect((await importProfile(storage, contosoProfile())).ok).toBe(true);
    const deps = (now: Date) => ({ storage, now: () => now, probeQueue: settings.probeQueue, shardSize: 500 });

    // Cycle 1 goes out and finishes (its record says every shard is done).
    expect(await runSchedule(deps(minutes(0)))).toMatchObject([{ kind: "enqueued", cycle: 1 }]);
    const table = await storage.table("cycles");
    await table.updateEntity({ partitionKey: "contoso", rowKey: "current", shardsDone: "[0]" }, "Merge");

    // The queue's endpoint goes away (the tables stay) when cycle 2 is due.
    await proxy.stop();
    const refused = await runSchedule(deps(minutes(5)));
    expect(refused).toMatchObject([{ kind: "enqueue-refused", profileId: "contoso", cycle: 2, claim: "released" }]);
    expect((await listCycles(storage)).get("contoso")).toBeUndefined();
    expect((await getProfile(storage, "contoso"))?.lastScheduledAt).toBe(minutes(0).toISOString());

    // Back a minute later: the profile is due at once, not after its interval plus 15 minutes.
    await proxy.start();
    const next = await runSchedule(deps(minutes(6)));
    expect(next).toMatchObject([{ kind: "enqueued", profileId: "contoso" }]);
    const cycle = (next[0] as { cycle: number }).cycle;
    expect((await listCycles(storage)).get("contoso")).toMatchObject({ cycle, done: 0, shards: 1, startedAt: minutes(6).toISOString() });
    const queue = await storage.queue(settings.probeQueue);
    expect((await queue.getProperties()).approximateMessagesCount).toBe(2);
  }, 120_000);
});
