import { encodeKeyPart } from "./keys.js";
import { statusOf } from "./batch.js";
import type { Storage } from "./storage.js";

/**
 * The `cycles` table (partition: profile id, row "current"): which shards of the profile's current cycle have finished,
 * so that exactly one shard — the last — rolls the cycle up. ETag-guarded; a redelivered shard counts once.
 */

type CycleEntity = { cycle: number; shardsDone: string };

/** `alreadyRecorded`: this shard had finished before (a redelivered message). */
export type ShardCompletion = { kind: "last"; alreadyRecorded: boolean } | { kind: "not-last"; done: number; of: number } | { kind: "superseded" };

export async function markShardDone(storage: Storage, profileId: string, cycle: number, shard: { index: number; count: number }): Promise<ShardCompletion> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  for (let attempt = 0; attempt < 20; attempt++) {
    let current: { cycle: number; done: number[]; etag?: string } = { cycle, done: [] };
    try {
      const entity = await table.getEntity<CycleEntity>(key.partitionKey, key.rowKey);
      current = { cycle: Number(entity.cycle), done: JSON.parse(entity.shardsDone) as number[], etag: entity.etag };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (current.cycle > cycle) return { kind: "superseded" };
    const done = current.cycle === cycle ? new Set(current.done) : new Set<number>();
    const alreadyRecorded = done.has(shard.index);
    if (alreadyRecorded) return done.size >= shard.count ? { kind: "last", alreadyRecorded } : { kind: "not-last", done: done.size, of: shard.count };
    done.add(shard.index);
    const entity = { ...key, cycle, shardsDone: JSON.stringify([...done].sort((a, b) => a - b)) };
    try {
      if (current.etag === undefined) await table.createEntity(entity);
      else await table.updateEntity(entity, "Replace", { etag: current.etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) continue;
      throw error;
    }
    return done.size >= shard.count ? { kind: "last", alreadyRecorded } : { kind: "not-last", done: done.size, of: shard.count };
  }
  throw new Error(`Could not record shard ${shard.index} of cycle ${cycle} for ${profileId}: too much contention`);
}

export async function deleteCycle(storage: Storage, profileId: string): Promise<void> {
  const table = await storage.table("cycles");
  try {
    await table.deleteEntity(encodeKeyPart(profileId), "current");
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}
