import type { TableEntityResult } from "@azure/data-tables";
import type { Profile } from "../config/profile.js";
import type { DataverseOrigin } from "../model/dynamics.js";
import { ignoreGoneOrChanged, ignoreNotFound, statusOf } from "./batch.js";
import { decodeKeyPart, encodeKeyPart, jsonColumn, optionalString, parseJsonColumn } from "./keys.js";
import { bucketCountsOf } from "./mailboxes.js";
import { getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `profiles` table (partition "profile", row profile id): a profile's settings, which hold setting names and
 * never secret values, and its schedule state. Mailboxes live in their own table.
 */

const partitionKey = "profile";
/** SHARD_SIZE's smallest value: a profile with no more approved mailboxes is never split. */
const minShardSize = 10;

/** A profile without its mailboxes (those are rows of the `mailboxes` table). */
export type ProfileSettings = Omit<Profile, "mailboxes">;

export interface StoredProfile {
  profile: ProfileSettings;
  /** When the schedule last claimed a cycle of this profile. */
  lastScheduledAt?: string;
  /** How many cycles have been scheduled; the next claim makes it cycle + 1. */
  cycle: number;
  /** The domains of the profile's mailboxes (they may receive its credentials), so a shard need not list them all. */
  mailboxDomains: string[];
  /** Approved mailboxes per address bucket, so the schedule cuts shards at the real counts (absent for small profiles). */
  bucketCounts?: number[];
  /** Profiles from Dataverse (read-only through the admin API; credentials "missing" are not scheduled). */
  origin?: DataverseOrigin;
  etag: string;
}

type ProfileEntity = {
  name: string;
  owner: string;
  serverType: string;
  pollingIntervalMinutes: number;
  maxConcurrentConnections: number;
  settings: string;
  updatedAt: string;
  lastScheduledAt?: string;
  cycle?: number;
  mailboxDomains?: string;
  bucketCounts?: string;
  origin?: string;
};

/**
 * Creates or updates a profile's settings. A merge, so the schedule state (lastScheduledAt, cycle) survives a re-import;
 * every settings column is written each time, so nothing stale is left.
 */
export async function saveProfile(storage: Storage, profile: ProfileSettings | Profile, now = new Date(), origin?: DataverseOrigin): Promise<void> {
  const { mailboxes: _mailboxes, id, ...settings } = profile as Profile;
  const entity: ProfileEntity = {
    name: settings.name,
    owner: settings.owner,
    serverType: settings.serverType,
    pollingIntervalMinutes: settings.pollingIntervalMinutes,
    maxConcurrentConnections: settings.maxConcurrentConnections,
    settings: jsonColumn("settings", settings),
    updatedAt: now.toISOString(),
  };
  if (origin !== undefined) entity.origin = jsonColumn("origin", origin);
  if (_mailboxes !== undefined) {
    entity.mailboxDomains = jsonColumn("mailboxDomains", [...new Set(_mailboxes.map((m) => m.address.slice(m.address.lastIndexOf("@") + 1).toLowerCase()))].sort());
    // Below SHARD_SIZE's minimum a profile is never sharded; an empty column clears counts a larger import left.
    const approved = _mailboxes.filter((m) => m.approved).map((m) => m.address);
    entity.bucketCounts = approved.length > minShardSize ? jsonColumn("bucketCounts", bucketCountsOf(approved)) : "";
  }
  const table = await storage.table("profiles");
  await table.upsertEntity({ partitionKey, rowKey: encodeKeyPart(id), ...entity }, "Merge");
}

export async function getProfile(storage: Storage, id: string): Promise<StoredProfile | undefined> {
  const e = await getOrUndefined<ProfileEntity>(await storage.table("profiles"), partitionKey, encodeKeyPart(id));
  return e === undefined ? undefined : decode(e);
}

/** Every profile, in id order, following continuation tokens. */
export async function listProfiles(storage: Storage): Promise<StoredProfile[]> {
  return (await (await storage.table("profiles")).rowsWhere<ProfileEntity>(`PartitionKey eq '${partitionKey}'`)).map(decode);
}

/** Every profile id (keys only). */
export async function listProfileIds(storage: Storage): Promise<string[]> {
  const rows = await (await storage.table("profiles")).rowsWhere<object>(`PartitionKey eq '${partitionKey}'`, ["RowKey"]);
  return rows.map((e) => decodeKeyPart(e.rowKey!));
}

/** Deletes the profile entity (what else is stored about it: lib/profiles/delete.ts). False when there was none. */
export async function deleteProfile(storage: Storage, id: string): Promise<boolean> {
  const table = await storage.table("profiles");
  return ignoreNotFound(() => table.deleteEntity(partitionKey, encodeKeyPart(id)));
}

/**
 * Claims the next cycle of a profile: sets lastScheduledAt and cycle + 1 only if the entity still has the ETag
 * that was read, so two schedule runs never schedule the same cycle twice. 412 (or a deleted profile) → "lost".
 */
export async function claimSchedule(
  storage: Storage,
  id: string,
  expected: { etag: string; cycle: number },
  now: Date,
): Promise<"claimed" | "lost"> {
  const table = await storage.table("profiles");
  try {
    await table.updateEntity(
      { partitionKey, rowKey: encodeKeyPart(id), lastScheduledAt: now.toISOString(), cycle: expected.cycle + 1 },
      "Merge",
      { etag: expected.etag },
    );
    return "claimed";
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 404) return "lost";
    throw error;
  }
}

/**
 * Gives a claim back when its cycle could not be enqueued: `lastScheduledAt` returns to what it was, so the next
 * schedule run tries again instead of waiting a polling interval. Only while the claim is still the latest.
 */
export async function releaseSchedule(storage: Storage, id: string, claimedAt: Date, previous: string | undefined): Promise<"released" | "moved-on"> {
  const table = await storage.table("profiles");
  const e = await getOrUndefined<ProfileEntity>(table, partitionKey, encodeKeyPart(id));
  if (e === undefined || e.lastScheduledAt !== claimedAt.toISOString()) return "moved-on";
  const released = await ignoreGoneOrChanged(() => table.updateEntity({ partitionKey, rowKey: encodeKeyPart(id), lastScheduledAt: previous ?? "" }, "Merge", { etag: e.etag }));
  return released ? "released" : "moved-on";
}

function decode(e: TableEntityResult<ProfileEntity>): StoredProfile {
  const settings = parseJsonColumn<Omit<ProfileSettings, "id">>(e.settings, {} as Omit<ProfileSettings, "id">);
  const stored: StoredProfile = {
    profile: { id: decodeKeyPart(e.rowKey!), ...settings },
    cycle: Number(e.cycle ?? 0),
    mailboxDomains: parseJsonColumn<string[]>(e.mailboxDomains, []),
    etag: e.etag,
  };
  const bucketCounts = parseJsonColumn<unknown>(e.bucketCounts, undefined);
  if (Array.isArray(bucketCounts) && bucketCounts.every((n) => Number.isInteger(n) && n >= 0)) stored.bucketCounts = bucketCounts as number[];
  const origin = parseJsonColumn<DataverseOrigin | undefined>(e.origin, undefined);
  if (origin !== undefined) stored.origin = origin;
  const last = optionalString(e.lastScheduledAt);
  if (last !== undefined) stored.lastScheduledAt = last;
  return stored;
}
