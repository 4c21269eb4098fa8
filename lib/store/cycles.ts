import type { MailboxState } from "../model/mailbox.js";
import { decodeKeyPart, encodeKeyPart } from "./keys.js";
import { ignoreGoneOrChanged, ignoreNotFound, statusOf } from "./batch.js";
import { getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `cycles` table (partition: profile id, row "current"): which shards of the profile's current cycle have finished,
 * so that exactly one shard — the last — rolls the cycle up. ETag-guarded; a redelivered shard counts once.
 */

/** `states`: each finished shard's mailbox states (JSON, by shard index), summed by the last for the roll-up. */
type CycleEntity = { cycle: number; shardsDone: string; shards?: number; startedAt?: string; rolledUp?: boolean; states?: string };

/** How many of a shard's mailboxes are in each state once it has checked them. */
export type StateCounts = Record<MailboxState, number>;

export interface CycleProgress {
  cycle: number;
  /** How many shards the cycle was split into (unknown for cycles started before this was recorded). */
  shards?: number;
  done: number;
  startedAt?: string;
}

/**
 * The schedule records a new cycle with its number of shards before enqueuing it (undone if no message is accepted).
 * Answers the row's ETag: a cycle of one shard carries it in its message, so its end needs no read of the row.
 */
export async function startCycle(storage: Storage, profileId: string, cycle: number, shards: number, at: Date): Promise<string | undefined> {
  const table = await storage.table("cycles");
  const written = await table.upsertEntity({ partitionKey: encodeKeyPart(profileId), rowKey: "current", cycle, shards, shardsDone: "[]", startedAt: at.toISOString() }, "Replace");
  return written.etag;
}

/** The queue refused every message of the cycle: its record goes, so no phantom cycle holds the next one back. */
export async function undoCycleStart(storage: Storage, profileId: string, cycle: number): Promise<void> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  const stored = await getOrUndefined<CycleEntity>(table, key.partitionKey, key.rowKey);
  if (stored === undefined || Number(stored.cycle) !== cycle) return;
  await ignoreGoneOrChanged(() => table.deleteEntity(key.partitionKey, key.rowKey, { etag: stored.etag }));
}

/** Every profile's current cycle, in one query per 1000 profiles. */
export async function listCycles(storage: Storage): Promise<Map<string, CycleProgress>> {
  const table = await storage.table("cycles");
  const progress = new Map<string, CycleProgress>();
  for (const e of await table.rowsWhere<CycleEntity>("")) {
    const entry: CycleProgress = { cycle: Number(e.cycle), done: (JSON.parse(e.shardsDone) as number[]).length };
    if (e.shards !== undefined && e.shards !== null) entry.shards = Number(e.shards);
    if (typeof e.startedAt === "string") entry.startedAt = e.startedAt;
    progress.set(decodeKeyPart(e.partitionKey!), entry);
  }
  return progress;
}

/**
 * `rolledUp`: the cycle's roll-up already succeeded (a redelivered last shard must not do it again). `etag`: the row's
 * as this shard left it, so marking the roll-up needs no second read; `doneDeferred`: the sole shard's completion is
 * written with the roll-up's mark (see markShardDone).
 */
export type ShardCompletion =
  | { kind: "last"; rolledUp: boolean; etag?: string; doneDeferred?: true; states?: StateCounts }
  | { kind: "not-last"; done: number; of: number }
  | { kind: "superseded" };

/**
 * Records that a shard finished and says whether it was the cycle's last. A cycle of one shard has nothing to race
 * with: its completion is not written here but by `markRolledUp` together with the roll-up's mark (one write instead
 * of two; a roll-up that throws leaves the shard undone, and the redelivered message finishes it). With `states`, each
 * shard's mailbox states go in the row, and the last shard is answered their sum when every shard left its own (so the
 * roll-up need not list every mailbox of the profile again). `scheduledEtag`: the row's ETag as the schedule wrote it,
 * for a sole shard's first delivery: its completion is then known without reading the row (a row changed since makes
 * `markRolledUp`'s write fail, and the roll-up in between only computes again what the stored checks say).
 */
export async function markShardDone(
  storage: Storage,
  profileId: string,
  cycle: number,
  shard: { index: number; count: number },
  states?: StateCounts,
  scheduledEtag?: string,
): Promise<ShardCompletion> {
  if (shard.count === 1 && scheduledEtag !== undefined) return { kind: "last", rolledUp: false, etag: scheduledEtag, doneDeferred: true };
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
      if (typeof stored.states === "string") rest.states = stored.states;
      current = { cycle: Number(stored.cycle), done: JSON.parse(stored.shardsDone) as number[], etag: stored.etag, rest };
    }
    if (current.cycle > cycle) return { kind: "superseded" };
    const done = current.cycle === cycle ? new Set(current.done) : new Set<number>();
    const rolledUp = current.cycle === cycle && current.rest.rolledUp === true;
    if (done.has(shard.index)) return done.size >= shard.count ? { kind: "last", rolledUp } : { kind: "not-last", done: done.size, of: shard.count };
    if (shard.count === 1 && current.etag !== undefined && current.cycle === cycle) return { kind: "last", rolledUp: false, etag: current.etag, doneDeferred: true };
    done.add(shard.index);
    const byShard = current.cycle === cycle ? statesByShard(current.rest.states) : {};
    if (states !== undefined) byShard[shard.index] = states;
    const entity = { ...key, ...(current.cycle === cycle ? current.rest : {}), cycle, shardsDone: JSON.stringify([...done].sort((a, b) => a - b)), states: JSON.stringify(byShard) };
    let written: { etag?: string };
    try {
      written = current.etag === undefined ? await table.createEntity(entity) : await table.updateEntity(entity, "Replace", { etag: current.etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) continue;
      throw error;
    }
    if (done.size < shard.count) return { kind: "not-last", done: done.size, of: shard.count };
    const summed = sumStates(byShard, done);
    return { kind: "last", rolledUp, ...(written.etag === undefined ? {} : { etag: written.etag }), ...(summed === undefined ? {} : { states: summed }) };
  }
  throw new Error(`Could not record shard ${shard.index} of cycle ${cycle} for ${profileId}: too much contention`);
}

function statesByShard(json: string | undefined): Record<number, StateCounts> {
  if (json === undefined) return {};
  try {
    const parsed = JSON.parse(json) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<number, StateCounts>) : {};
  } catch {
    return {};
  }
}

/** The shards' states added up, when every finished shard left its own. */
function sumStates(byShard: Record<number, StateCounts>, done: ReadonlySet<number>): StateCounts | undefined {
  const sum: StateCounts = { "pending-approval": 0, enabled: 0, retrying: 0, disabled: 0 };
  for (const index of done) {
    const counts = byShard[index];
    if (counts === undefined) return undefined;
    for (const state of Object.keys(sum) as MailboxState[]) {
      const n = counts[state];
      if (!Number.isInteger(n) || n < 0) return undefined;
      sum[state] += n;
    }
  }
  return sum;
}

/**
 * Marks the cycle rolled up, so that only a roll-up that failed is done again by a redelivered message. With the
 * completion `markShardDone` gave, no read: its ETag guards the write, and a deferred sole shard is marked done too.
 */
export async function markRolledUp(storage: Storage, profileId: string, cycle: number, completion?: ShardCompletion): Promise<void> {
  const table = await storage.table("cycles");
  const key = { partitionKey: encodeKeyPart(profileId), rowKey: "current" };
  let etag = completion?.kind === "last" ? completion.etag : undefined;
  if (etag === undefined) {
    const entity = await getOrUndefined<CycleEntity>(table, key.partitionKey, key.rowKey);
    if (entity === undefined || Number(entity.cycle) !== cycle) return;
    etag = entity.etag;
  }
  const doneToo = completion?.kind === "last" && completion.doneDeferred === true ? { shardsDone: "[0]" } : {};
  await ignoreGoneOrChanged(() => table.updateEntity({ ...key, ...doneToo, rolledUp: true }, "Merge", { etag }));
}

export async function deleteCycle(storage: Storage, profileId: string): Promise<void> {
  const table = await storage.table("cycles");
  await ignoreNotFound(() => table.deleteEntity(encodeKeyPart(profileId), "current"));
}
