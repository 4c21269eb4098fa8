import { odata, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { ChannelStatus } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { MailboxRecord, MailboxState } from "../model/mailbox.js";
import { mapAsRead, type AsRead } from "../util/as-read.js";
import { submitInTransactions } from "./batch.js";
import { decodeKeyPart, encodeKeyPart, failureColumn, optionalString, parseJsonColumn } from "./keys.js";
import { deletePartition, getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/** The `mailboxes` table: partition profile id, row mailbox address (encoded). */

type MailboxEntity = {
  approved: boolean;
  wantIncoming: boolean;
  wantOutgoing: boolean;
  wantAppointmentsContactsTasks: boolean;
  state: string;
  incoming: string;
  outgoing: string;
  appointmentsContactsTasks: string;
  consecutiveFailures: number;
  nextAttemptAt?: string;
  disabledReason?: string;
  lastError?: string;
  lastCheckedAt?: string;
  lastSuccessAt?: string;
  ewsUrl?: string;
  ewsUrlDiscoveredAt?: string;
  /** Hybrid profiles: "cloud" or "on-premises", as the profile file says. */
  location?: string;
  lastCycle?: number;
  /** 0–999, from the address: a shard of a probe cycle reads only its range of buckets. */
  bucket: number;
};

const optionalColumns = ["nextAttemptAt", "lastCheckedAt", "lastSuccessAt", "ewsUrl", "ewsUrlDiscoveredAt"] as const;

function encode(m: MailboxRecord): { partitionKey: string; rowKey: string } & MailboxEntity {
  const e: { partitionKey: string; rowKey: string } & MailboxEntity = {
    partitionKey: encodeKeyPart(m.profileId),
    rowKey: encodeKeyPart(m.address),
    approved: m.approved,
    wantIncoming: m.wanted.incoming,
    wantOutgoing: m.wanted.outgoing,
    wantAppointmentsContactsTasks: m.wanted.appointmentsContactsTasks,
    state: m.state,
    incoming: m.channels.incoming,
    outgoing: m.channels.outgoing,
    appointmentsContactsTasks: m.channels.appointmentsContactsTasks,
    consecutiveFailures: m.consecutiveFailures,
    bucket: mailboxBucket(m.address),
  };
  for (const key of optionalColumns) if (m[key] !== undefined) e[key] = m[key];
  if (m.disabledReason !== undefined) e.disabledReason = failureColumn("disabledReason", m.disabledReason);
  if (m.lastError !== undefined) e.lastError = failureColumn("lastError", m.lastError);
  if (m.lastCycle !== undefined) e.lastCycle = m.lastCycle;
  if (m.location !== undefined) e.location = m.location;
  return e;
}

function decode(e: TableEntityResult<MailboxEntity>): MailboxRecord {
  const m: MailboxRecord = {
    profileId: decodeKeyPart(e.partitionKey!),
    address: decodeKeyPart(e.rowKey!),
    approved: e.approved === true,
    wanted: { incoming: e.wantIncoming !== false, outgoing: e.wantOutgoing !== false, appointmentsContactsTasks: e.wantAppointmentsContactsTasks !== false },
    state: e.state as MailboxState,
    channels: { incoming: e.incoming as ChannelStatus, outgoing: e.outgoing as ChannelStatus, appointmentsContactsTasks: e.appointmentsContactsTasks as ChannelStatus },
    consecutiveFailures: Number(e.consecutiveFailures ?? 0),
  };
  for (const key of optionalColumns) {
    const value = optionalString(e[key]);
    if (value !== undefined) m[key] = value;
  }
  const disabledReason = parseJsonColumn<Failure | undefined>(e.disabledReason, undefined);
  if (disabledReason !== undefined) m.disabledReason = disabledReason;
  const lastError = parseJsonColumn<Failure | undefined>(e.lastError, undefined);
  if (lastError !== undefined) m.lastError = lastError;
  if (e.lastCycle !== undefined && e.lastCycle !== null) m.lastCycle = Number(e.lastCycle);
  if (e.location === "cloud" || e.location === "on-premises") m.location = e.location;
  return m;
}

export const bucketCount = 1000;

/** A stable bucket for an address (FNV-1a), so shard membership never depends on the order or number of mailboxes. */
export function mailboxBucket(address: string): number {
  let hash = 2166136261;
  for (let i = 0; i < address.length; i++) {
    hash ^= address.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % bucketCount;
}

/** Mailboxes per bucket (index = bucket), for cutting shards at the real counts. */
export function bucketCountsOf(addresses: Iterable<string>): number[] {
  const counts = new Array<number>(bucketCount).fill(0);
  for (const address of addresses) counts[mailboxBucket(address)]! += 1;
  return counts;
}

/** The bucket range [from, to) of shard `index` of `count` in equal parts (messages queued before `buckets` existed). */
export function shardBuckets(shard: { index: number; count: number }): { from: number; to: number } {
  return { from: Math.floor((shard.index * bucketCount) / shard.count), to: Math.floor(((shard.index + 1) * bucketCount) / shard.count) };
}

/** The mailboxes of one shard of a profile: one query over its bucket range [from, to), not the whole partition. */
export async function listMailboxesOfShard(storage: Storage, profileId: string, buckets: { from: number; to: number }): Promise<MailboxRecord[]> {
  return (await (await storage.table("mailboxes")).rowsWhere<MailboxEntity>(shardFilter(profileId, buckets))).map(decode);
}

/** A shard's bucket range, or the whole partition when the shard has every bucket. */
function shardFilter(profileId: string, { from, to }: { from: number; to: number }): string {
  return from <= 0 && to >= bucketCount ? odata`PartitionKey eq ${encodeKeyPart(profileId)}` : odata`PartitionKey eq ${encodeKeyPart(profileId)} and bucket ge ${from} and bucket lt ${to}`;
}

/**
 * The mailboxes of one shard as they are read: the first `firstPage` (in address order) in hand as soon as read, the
 * others while the caller starts on those.
 */
export async function readMailboxesOfShard(storage: Storage, profileId: string, buckets: { from: number; to: number }, firstPage: number): Promise<AsRead<MailboxRecord>> {
  const read = await (await storage.table("mailboxes")).rowsAsRead<MailboxEntity>(shardFilter(profileId, buckets), firstPage);
  return mapAsRead(read, (rows) => rows.map(decode));
}

/** Every mailbox of a profile, in address order, following continuation tokens. */
export async function listMailboxes(storage: Storage, profileId: string): Promise<MailboxRecord[]> {
  return listMailboxesOfShard(storage, profileId, { from: 0, to: bucketCount });
}

export async function getMailbox(storage: Storage, profileId: string, address: string): Promise<MailboxRecord | undefined> {
  const e = await getOrUndefined<MailboxEntity>(await storage.table("mailboxes"), encodeKeyPart(profileId), encodeKeyPart(address.toLowerCase()));
  return e === undefined ? undefined : decode(e);
}

/** Writes whole records (replace: a field left out is cleared), batched per profile. Returns the transactions sent. */
export async function saveMailboxes(storage: Storage, records: readonly MailboxRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const actions: TransactionAction[] = records.map((m) => ["upsert", encode(m), "Replace"]);
  return submitInTransactions(await storage.table("mailboxes"), actions);
}

export async function deleteMailboxes(storage: Storage, profileId: string, addresses: readonly string[]): Promise<number> {
  if (addresses.length === 0) return 0;
  const partitionKey = encodeKeyPart(profileId);
  const actions: TransactionAction[] = addresses.map((a) => ["delete", { partitionKey, rowKey: encodeKeyPart(a) }]);
  return submitInTransactions(await storage.table("mailboxes"), actions);
}

export async function deleteAllMailboxes(storage: Storage, profileId: string): Promise<number> {
  return deletePartition(await storage.table("mailboxes"), profileId);
}
