import type { TableClient, TransactionAction } from "@azure/data-tables";
import type { AppTable } from "./storage.js";
import { odata } from "@azure/data-tables";
import { ignoreGoneOrChanged, statusOf } from "./batch.js";
import { encodeKeyPart } from "./keys.js";
import type { Storage } from "./storage.js";

/**
 * The `leases` table (partition: profile id): one row per connection of the profile in use ("slot-007"), naming its
 * holder — a cycle's shard, an on-demand Test Connection or Test & Enable — with an expiry the holder renews while it
 * runs, so a holder that died frees its connections by itself. A connection is a slot index below the profile's
 * Maximum Concurrent Connections, so no two live holders can together hold more: taking slots is one transaction of
 * inserts (of free slots) and ETag-guarded replaces (of expired ones), all or nothing. The shards of a cycle start at
 * the slots the plan gives them, so they take their shares at once without reading or racing each other (one row for
 * every holder made four shards starting together read and write it again for each race they lost). When the limit
 * is lowered while a run holds slots above the new one, those slots count against it here, but a run that finds its
 * own slots free takes them without looking: until that run ends, the profile may see up to the old limit.
 */

export interface ShareHolder {
  id: string;
  /** What holds it, for the administrator: "cycle 12 shard 1/3", "test-connection". */
  label: string;
  connections: number;
  expiresAt: number;
}

type SlotEntity = { holder: string; label: string; expiresAt: number; takenAt: number };
type StoredSlot = SlotEntity & { index: number; etag: string };

/** What a holder took: its slots with their ETags, and when they expire unless renewed. */
export interface Written {
  slots: { index: number; etag: string }[];
  expiresAt: number;
}

const slotPrefix = "slot-";
const slotKey = (index: number) => `${slotPrefix}${String(index).padStart(3, "0")}`;
/** The single row earlier versions kept every holder in; only removed now. */
const legacyRowKey = "connections";
/**
 * A holder gives its slots back without ETags while it is this far from their expiry: nobody else takes a slot
 * before it has expired by their clock, and clocks of the instances are within this of each other.
 */
const releaseMarginMs = 10_000;

async function listSlots(table: AppTable, partitionKey: string): Promise<StoredSlot[]> {
  const rows = await table.rowsWhere<SlotEntity>(odata`PartitionKey eq ${partitionKey} and RowKey ge ${slotPrefix} and RowKey lt ${"slot."}`);
  return rows.map((r) => ({ index: Number(r.rowKey!.slice(slotPrefix.length)), holder: r.holder, label: r.label, expiresAt: Number(r.expiresAt), takenAt: Number(r.takenAt), etag: r.etag }));
}

function holdersOf(slots: readonly StoredSlot[]): ShareHolder[] {
  const byId = new Map<string, ShareHolder & { takenAt: number }>();
  for (const s of slots) {
    const held = byId.get(s.holder);
    if (held === undefined) byId.set(s.holder, { id: s.holder, label: s.label, connections: 1, expiresAt: s.expiresAt, takenAt: s.takenAt });
    else {
      held.connections += 1;
      held.expiresAt = Math.max(held.expiresAt, s.expiresAt);
    }
  }
  return [...byId.values()].sort((a, b) => a.takenAt - b.takenAt || a.id.localeCompare(b.id)).map(({ takenAt: _, ...h }) => h);
}

/**
 * The transaction's outcome: each action's new ETag, in the actions' order (an update's answer names no row, so they
 * are matched by position), or "lost" when another holder changed one of the rows first.
 */
async function submit(table: TableClient, actions: TransactionAction[]): Promise<string[] | "lost"> {
  try {
    const answer = await table.submitTransaction(actions);
    return actions.map((_, i) => answer.subResponses[i]?.etag ?? "");
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 409 || status === 412) return "lost";
    throw error;
  }
}

function writtenOf(indexes: readonly number[], etags: readonly string[], expiresAt: number): Written {
  return { slots: indexes.map((index, i) => ({ index, etag: etags[i] ?? "" })), expiresAt };
}

/** A share taken: its connections, and its slots (so that giving them back costs one request). */
export type ShareTake = { kind: "granted"; connections: number; lease: Written } | { kind: "full"; holders: ShareHolder[] };

export interface ShareWanted {
  id: string;
  label: string;
  want: number;
  /** The profile's Maximum Concurrent Connections. */
  limit: number;
  ttlMs: number;
  /** The slot to start at (a cycle's shard: the connections of the shards before it), 0 when not given. */
  firstSlot?: number;
}

/**
 * Takes up to `want` of the profile's `limit` connections, at least one: what the live holders leave free. Lease
 * times are the wall clock's (real concurrency), whatever clock the app's use cases run on. When the slots from
 * `firstSlot` on are free (nobody holds them, and nobody died holding them) it costs one request.
 */
export async function takeShare(storage: Storage, profileId: string, wanted: ShareWanted): Promise<ShareTake> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  const entity = (index: number, now: number) => ({ partitionKey, rowKey: slotKey(index), holder: wanted.id, label: wanted.label, expiresAt: now + wanted.ttlMs, takenAt: now });
  const first = Math.min(wanted.want, wanted.limit);
  const start = Math.max(0, Math.min(wanted.firstSlot ?? 0, wanted.limit - first));
  if (first >= 1) {
    const now = Date.now();
    const indexes = Array.from({ length: first }, (_, i) => start + i);
    const created = await submit(table, indexes.map((i): TransactionAction => ["create", entity(i, now)]));
    if (created !== "lost") return { kind: "granted", connections: first, lease: writtenOf(indexes, created, now + wanted.ttlMs) };
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const slots = await listSlots(table, partitionKey);
    const now = Date.now();
    const live = slots.filter((s) => s.expiresAt > now && s.holder !== wanted.id);
    const granted = Math.min(wanted.want, wanted.limit - live.length);
    if (granted < 1) return { kind: "full", holders: holdersOf(live) };
    const taken = new Set(live.map((s) => s.index));
    const order = Array.from({ length: wanted.limit }, (_, i) => (start + i) % wanted.limit);
    const indexes = order.filter((i) => !taken.has(i)).slice(0, granted);
    const stored = new Map(slots.map((s) => [s.index, s]));
    const actions = indexes.map((i) => {
      const expired = stored.get(i);
      return expired === undefined ? (["create", entity(i, now)] as TransactionAction) : (["update", entity(i, now), "Replace", { etag: expired.etag }] as TransactionAction);
    });
    const written = await submit(table, actions);
    if (written !== "lost") return { kind: "granted", connections: granted, lease: writtenOf(indexes, written, now + wanted.ttlMs) };
  }
  throw new Error(`The connection leases of ${profileId} are too contended`);
}

/** Moves a live share's expiry on; "lost" when one of its slots had expired and another holder took it. */
export async function renewShare(storage: Storage, profileId: string, lease: Written, ttlMs: number): Promise<{ kind: "renewed"; lease: Written } | { kind: "lost" }> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  const expiresAt = Date.now() + ttlMs;
  const written = await submit(
    table,
    lease.slots.map((s): TransactionAction => ["update", { partitionKey, rowKey: slotKey(s.index), expiresAt }, "Merge", { etag: s.etag }]),
  );
  if (written === "lost") return { kind: "lost" };
  return { kind: "renewed", lease: writtenOf(lease.slots.map((s) => s.index), written, expiresAt) };
}

/**
 * Gives a share back: its slot rows go (one request while the share is well before its expiry; otherwise each slot
 * still its own, by ETag). Without `known`, the holder's slots are looked up.
 */
export async function releaseShare(storage: Storage, profileId: string, holderId: string, known?: Written): Promise<void> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  if (known !== undefined && known.slots.length > 0 && Date.now() < known.expiresAt - releaseMarginMs) {
    const deleted = await submit(table, known.slots.map((s): TransactionAction => ["delete", { partitionKey, rowKey: slotKey(s.index) }]));
    if (deleted !== "lost") return;
  }
  for (const slot of (await listSlots(table, partitionKey)).filter((s) => s.holder === holderId)) {
    await ignoreGoneOrChanged(() => table.deleteEntity(partitionKey, slotKey(slot.index), { etag: slot.etag }));
  }
}

/** The live holders of a profile's connections (tests and status). */
export async function shareHolders(storage: Storage, profileId: string): Promise<ShareHolder[]> {
  const now = Date.now();
  return holdersOf((await listSlots(await storage.table("leases"), encodeKeyPart(profileId))).filter((s) => s.expiresAt > now));
}

/** The profile is being deleted. */
export async function deleteLeases(storage: Storage, profileId: string): Promise<void> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  for (const slot of await listSlots(table, partitionKey)) await ignoreGoneOrChanged(() => table.deleteEntity(partitionKey, slotKey(slot.index)));
  await ignoreGoneOrChanged(() => table.deleteEntity(partitionKey, legacyRowKey));
}
