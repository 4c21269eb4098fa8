import { ignoreNotFound, statusOf } from "./batch.js";
import { encodeKeyPart } from "./keys.js";
import { getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `leases` table (partition: profile id, row "connections"): who holds which share of the profile's Maximum
 * Concurrent Connections right now — the cycle's shards, an on-demand Test Connection or Test & Enable — each share
 * with an expiry its holder renews while it runs, so a holder that died frees its share by itself. ETag-guarded.
 */

export interface ShareHolder {
  id: string;
  /** What holds it, for the administrator: "cycle 12 shard 1/3", "test-connection". */
  label: string;
  connections: number;
  expiresAt: number;
}

type LeaseEntity = { holders: string };

const rowKey = "connections";

function live(entity: LeaseEntity | undefined, now: number): ShareHolder[] {
  if (entity === undefined) return [];
  const holders = JSON.parse(entity.holders) as ShareHolder[];
  return holders.filter((h) => h.expiresAt > now);
}

export interface Written {
  holders: ShareHolder[];
  etag: string | undefined;
}

async function update(storage: Storage, profileId: string, change: (holders: ShareHolder[], now: number) => ShareHolder[] | undefined): Promise<Written | undefined> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  for (let attempt = 0; attempt < 50; attempt++) {
    const stored = await getOrUndefined<LeaseEntity>(table, partitionKey, rowKey);
    const now = Date.now();
    const next = change(live(stored, now), now);
    if (next === undefined) return undefined;
    const entity = { partitionKey, rowKey, holders: JSON.stringify(next) };
    try {
      const written = stored === undefined ? await table.createEntity(entity) : await table.updateEntity(entity, "Replace", { etag: stored.etag });
      return { holders: next, etag: written.etag };
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) continue;
      throw error;
    }
  }
  throw new Error(`The connection leases of ${profileId} are too contended`);
}

/** A share taken: its connections, and what the lease looked like after (so an uncontended release costs one request). */
export type ShareTake = { kind: "granted"; connections: number; lease: Written } | { kind: "full"; holders: ShareHolder[] };

/**
 * Takes up to `want` of the profile's `limit` connections, at least one: what the live holders leave free. Lease
 * times are the wall clock's (real concurrency), whatever clock the app's use cases run on. Nobody holding any
 * (the lease row is removed by the last holder) costs one request.
 */
export async function takeShare(storage: Storage, profileId: string, holder: { id: string; label: string; want: number; limit: number; ttlMs: number }): Promise<ShareTake> {
  const mine = (connections: number, now: number): ShareHolder => ({ id: holder.id, label: holder.label, connections, expiresAt: now + holder.ttlMs });
  const first = Math.min(holder.want, holder.limit);
  try {
    const holders = [mine(first, Date.now())];
    const written = await (await storage.table("leases")).createEntity({ partitionKey: encodeKeyPart(profileId), rowKey, holders: JSON.stringify(holders) });
    return { kind: "granted", connections: first, lease: { holders, etag: written.etag } };
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  let granted = 0;
  let seen: ShareHolder[] = [];
  const lease = await update(storage, profileId, (holders, now) => {
    seen = holders;
    const others = holders.filter((h) => h.id !== holder.id);
    granted = Math.min(holder.want, holder.limit - others.reduce((n, h) => n + h.connections, 0));
    return granted < 1 ? undefined : [...others, mine(granted, now)];
  });
  return lease !== undefined ? { kind: "granted", connections: granted, lease } : { kind: "full", holders: seen };
}

/** Moves a live share's expiry on; "lost" when it had already expired (another holder may have its connections now). */
export async function renewShare(storage: Storage, profileId: string, holderId: string, ttlMs: number): Promise<{ kind: "renewed"; lease: Written } | { kind: "lost" }> {
  const lease = await update(storage, profileId, (holders, now) => (holders.some((h) => h.id === holderId) ? holders.map((h) => (h.id === holderId ? { ...h, expiresAt: now + ttlMs } : h)) : undefined));
  return lease === undefined ? { kind: "lost" } : { kind: "renewed", lease };
}

/** Gives a share back; the last holder removes the row (one request when nothing changed since `known`). */
export async function releaseShare(storage: Storage, profileId: string, holderId: string, known?: Written): Promise<void> {
  const table = await storage.table("leases");
  const partitionKey = encodeKeyPart(profileId);
  if (known?.etag !== undefined && known.holders.every((h) => h.id === holderId)) {
    try {
      await table.deleteEntity(partitionKey, rowKey, { etag: known.etag });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status !== 412) throw error;
    }
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const stored = await getOrUndefined<LeaseEntity>(table, partitionKey, rowKey);
    if (stored === undefined) return;
    const rest = live(stored, Date.now()).filter((h) => h.id !== holderId);
    try {
      if (rest.length === 0) await table.deleteEntity(partitionKey, rowKey, { etag: stored.etag });
      else await table.updateEntity({ partitionKey, rowKey, holders: JSON.stringify(rest) }, "Replace", { etag: stored.etag });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status !== 412) throw error;
    }
  }
  throw new Error(`The connection leases of ${profileId} are too contended`);
}

/** The live holders of a profile's connections (tests and status). */
export async function shareHolders(storage: Storage, profileId: string): Promise<ShareHolder[]> {
  return live(await getOrUndefined<LeaseEntity>(await storage.table("leases"), encodeKeyPart(profileId), rowKey), Date.now());
}

/** The profile is being deleted. */
export async function deleteLeases(storage: Storage, profileId: string): Promise<void> {
  const table = await storage.table("leases");
  await ignoreNotFound(() => table.deleteEntity(encodeKeyPart(profileId), rowKey));
}
