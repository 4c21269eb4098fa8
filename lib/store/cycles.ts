import { decodeKeyPart, encodeKeyPart } from "./keys.js";
import { ignoreNotFound, statusOf } from "./batch.js";
import { getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `cycles` table (partition: profile id, row "current"): which shards of the profile's current cycle have finished,
 * so that exactly one shard — the last — rolls the cycle up. ETag-guarded; a redelivered shard counts once.
 */

type CycleEntity = { cycle: number; shardsDone: string; shards?: number; startedAt?: string; rolledUp?: boolean };

export interface CycleProgress {
  cycle: number;
  /** How many shards the cycle was split into (unknown for cycles started before this was recorded). */
  shards?: number;
  done: number;
  startedAt?: string;
}

/**
 * The schedule records a cycle with its number of shards once its messages were accepted, so a refused enqueue
 * leaves no cycle that looks running. A shard that already finished in between (a fast probe) is kept.
 */
export async function startCycle(storage: Storage, profileId: string, cycle: number, shards: number, at: Date): Promise<void> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  for (let attempt = 0; attempt < 20; attempt++) {
    const stored = await getOrUndefined<CycleEntity>(table, key.partitionKey, key.rowKey);
    const start = { cycle, shards, startedAt: at.toISOString() };
    try {
      if (stored === undefined) await table.createEntity({ ...key, ...start, shardsDone: "[]" });
      else if (Number(stored.cycle) === cycle) await table.updateEntity({ ...key, ...start }, "Merge", { etag: stored.etag });
      else if (Number(stored.cycle) < cycle) await table.updateEntity({ ...key, ...start, shardsDone: "[]" }, "Replace", { etag: stored.etag });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) continue;
      throw error;
    }
  }
  throw new Error(`Could not record the start of cycle ${cycle} for ${profileId}: too much contention`);
}

/** Every profile's current cycle, in one query per 1000 profiles. */
export async function listCycles(storage: Storage): Promise<Map<string, CycleProgress>> {
  const table = await storage.table("cycles");
  const progress = new Map<string, CycleProgress>();
  for await (const e of table.listEntities<CycleEntity>()) {
    const entry: CycleProgress = { cycle: Number(e.cycle), done: (JSON.parse(e.shardsDone) as number[]).length };
    if (e.shards !== undefined && e.shards !== null) entry.shards = Number(e.shards);
    if (typeof e.startedAt === "string") entry.startedAt = e.startedAt;
    progress.set(decodeKeyPart(e.partitionKey!), entry);
  }
  return progress;
}

/** `rolledUp`: the cycle's roll-up already succeeded (a redelivered last shard must not do it again). */
export type ShardCompletion = { kind: "last"; rolledUp: boolean } | { kind: "not-last"; done: number; of: number } | { kind: "superseded" };

export async function markShardDone(storage: Storage, profileId: string, cycle: number, shard: { index: number; count: number }): Promise<ShardCompletion> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  for (let attempt = 0; attempt < 20; attempt++) {
    let current: { cycle: number; done: number[]; etag?: string; rest: Partial<CycleEntity> } = { cycle, done: [], rest: {} };
    const stored = await getOrUndefined<CycleEntity>(table, key.partitionKey, key.rowKey);
    if (stored !== undefined) {
      const rest: Partial<CycleEntity> = {};
      if (stored.shards !== undefined && stored.shards !== null) rest.shards = Number(stored.shards);
      if (typeof stored.startedAt === "string") rest.startedAt = stored.startedAt;
      if (stored.rolledUp === true) rest.rolledUp = true;
      current = { cycle: Number(stored.cycle), done: JSON.parse(stored.shardsDone) as number[], etag: stored.etag, rest };
    }
    if (current.cycle > cycle) return { kind: "superseded" };
    const done = current.cycle === cycle ? new Set(current.done) : new Set<number>();
    const rolledUp = current.cycle === cycle && current.rest.rolledUp === true;
    if (done.has(shard.index)) return done.size >= shard.count ? { kind: "last", rolledUp } : { kind: "not-last", done: done.size, of: shard.count };
    done.add(shard.index);
    const entity = { ...key, ...(current.cycle === cycle ? current.rest : {}), cycle, shardsDone: JSON.stringify([...done].sort((a, b) => a - b)) };
    try {
      if (current.etag === undefined) await table.createEntity(entity);
      else await table.updateEntity(entity, "Replace", { etag: current.etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) continue;
      throw error;
    }
    return done.size >= shard.count ? { kind: "last", rolledUp } : { kind: "not-last", done: done.size, of: shard.count };
  }
  throw new Error(`Could not record shard ${shard.index} of cycle ${cycle} for ${profileId}: too much contention`);
}

/** Marks the cycle rolled up, so that only a roll-up that failed is done again by a redelivered message. */
export async function markRolledUp(storage: Storage, profileId: string, cycle: number): Promise<void> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  const entity = await getOrUndefined<CycleEntity>(table, key.partitionKey, key.rowKey);
  if (entity === undefined || Number(entity.cycle) !== cycle) return;
  try {
    await table.updateEntity({ ...key, rolledUp: true }, "Merge", { etag: entity.etag });
  } catch (error) {
    const status = statusOf(error);
    if (status !== 404 && status !== 412) throw error;
  }
}

export async function deleteCycle(storage: Storage, profileId: string): Promise<void> {
  const table = await storage.table("cycles");
  await ignoreNotFound(() => table.deleteEntity(encodeKeyPart(profileId), "current"));
}
