import { odata, type TransactionAction } from "@azure/data-tables";
import type { Failure } from "../model/failure.js";
import type { HourCheck } from "../model/mailbox.js";
import { deleteWhere, submitInTransactions } from "./batch.js";
import { listProfileIds } from "./profiles.js";
import { decodeKeyPart, encodeKeyPart, failureColumn, hourKey, hourStart, optionalString, parseJsonColumn } from "./keys.js";
import type { AppTable, Storage } from "./storage.js";

/** The `checks` table: partition `profileId_yyyyMMddHH`, row per mailbox; last success / failure in that UTC hour. */

export type CheckOutcome = { ok: true } | { ok: false; failure: Failure };
export interface CheckResult {
  address: string;
  at: Date;
  outcome: CheckOutcome;
}

/** A stored hour check, with the hour it belongs to. */
export type StoredHourCheck = HourCheck & { hour: string };

type CheckEntity = {
  partitionKey: string;
  rowKey: string;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: string;
};

export const checksPartition = (profileId: string, hour: string): string => `${encodeKeyPart(profileId)}_${hour}`;

/**
 * Merge-upserts every result without reading first, so several probes of one hour compose.
 * Results of one mailbox in one hour are coalesced, keeping the latest success and the latest failure.
 * Returns the number of transactions sent.
 */
export async function recordChecks(storage: Storage, profileId: string, results: readonly CheckResult[]): Promise<number> {
  const actions: TransactionAction[] = [...hourChecksOf(results).values()].map((c) => {
    const entity: CheckEntity = { partitionKey: checksPartition(profileId, c.hour), rowKey: encodeKeyPart(c.address) };
    if (c.lastSuccessAt !== undefined) entity.lastSuccessAt = c.lastSuccessAt;
    if (c.lastFailureAt !== undefined) entity.lastFailureAt = c.lastFailureAt;
    if (c.lastError !== undefined) entity.lastError = failureColumn("lastError", c.lastError);
    return ["upsert", entity, "Merge"];
  });
  if (actions.length === 0) return 0;
  return submitInTransactions(await storage.table("checks"), actions);
}

/** Results coalesced by hour and mailbox (lower case): the latest success, the latest failure with its error. */
function hourChecksOf(results: readonly CheckResult[]): Map<string, StoredHourCheck> {
  const checks = new Map<string, StoredHourCheck>();
  addHourChecks(checks, results);
  return checks;
}

/** Coalesces more results into `checks` (keyed `hour/address`), as `hourChecksOf` does. */
function addHourChecks(checks: Map<string, StoredHourCheck>, results: readonly CheckResult[]): void {
  for (const { address, at, outcome } of results) {
    const hour = hourKey(at);
    const lower = address.toLowerCase();
    const key = `${hour}/${lower}`;
    const check = checks.get(key) ?? { hour, address: lower };
    const time = at.toISOString();
    if (outcome.ok) {
      if (check.lastSuccessAt === undefined || check.lastSuccessAt < time) check.lastSuccessAt = time;
    } else if (check.lastFailureAt === undefined || check.lastFailureAt < time) {
      check.lastFailureAt = time;
      check.lastError = outcome.failure;
    }
    checks.set(key, check);
  }
}

/**
 * What the table holds once `results` are recorded over the `stored` rows (`recordChecks`' merge: a column the
 * results set replaces the stored one), without reading it again. `results` is the list a run keeps adding to; each
 * `catchUp` coalesces those added since, so most of a cycle's results are coalesced while its last answers are
 * awaited rather than after them. What `rows()` gives does not depend on when `catchUp` was called.
 */
export class RecordedOverStored {
  readonly #stored: ReadonlyMap<string, StoredHourCheck>;
  readonly #written = new Map<string, StoredHourCheck>();
  #coalesced = 0;

  constructor(
    stored: readonly StoredHourCheck[],
    private readonly results: readonly CheckResult[],
  ) {
    this.#stored = new Map(stored.map((c) => [`${c.hour}/${c.address}`, c]));
  }

  /** Coalesces the results added since the last call. */
  catchUp(): void {
    addHourChecks(this.#written, this.results.slice(this.#coalesced));
    this.#coalesced = this.results.length;
  }

  /** The stored rows with every result added so far written over them. */
  rows(): StoredHourCheck[] {
    this.catchUp();
    const rows = new Map(this.#stored);
    for (const [key, written] of this.#written) rows.set(key, { ...rows.get(key), ...written });
    return [...rows.values()];
  }
}

/** The checks of the given hours (`yyyyMMddHH`): one range query per run of consecutive hours, only the needed columns. */
export async function readChecksForHours(storage: Storage, profileId: string, hours: readonly string[]): Promise<StoredHourCheck[]> {
  const table = await storage.table("checks");
  const wanted = [...new Set(hours)].sort();
  const checks: StoredHourCheck[] = [];
  for (const run of consecutiveRuns(wanted)) {
    const first = checksPartition(profileId, run[0]!);
    const last = checksPartition(profileId, run[run.length - 1]!);
    checks.push(...(await readRange(table, odata`PartitionKey ge ${first} and PartitionKey le ${last}`)));
  }
  return checks;
}

async function readRange(table: AppTable, filter: string): Promise<StoredHourCheck[]> {
  const select = ["PartitionKey", "RowKey", "lastSuccessAt", "lastFailureAt", "lastError"];
  return (await table.rowsWhere<Omit<CheckEntity, "partitionKey" | "rowKey">>(filter, select)).map((e) => {
    const check: StoredHourCheck = { hour: e.partitionKey!.slice(-10), address: decodeKeyPart(e.rowKey!) };
    const success = optionalString(e.lastSuccessAt);
    const failure = optionalString(e.lastFailureAt);
    if (success !== undefined) check.lastSuccessAt = success;
    if (failure !== undefined) check.lastFailureAt = failure;
    const error = parseJsonColumn<Failure | undefined>(e.lastError, undefined);
    if (error !== undefined) check.lastError = error;
    return check;
  });
}

function consecutiveRuns(sortedHours: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (const hour of sortedHours) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run !== undefined && previous !== undefined && hourStart(hour).getTime() - hourStart(previous).getTime() === 3_600_000) run.push(hour);
    else runs.push([hour]);
  }
  return runs;
}

/**
 * Retention: deletes the partitions of hours before `cutoffHour`, per profile, each with one key range
 * (`profileId_` … `profileId_cutoff`), so nothing newer is ever read. Profiles default to every stored profile
 * (a deleted profile's checks go with it). Returns the number of rows deleted.
 */
export async function deleteChecksBefore(storage: Storage, cutoffHour: string, profileIds?: readonly string[]): Promise<number> {
  const table = await storage.table("checks");
  let deleted = 0;
  for (const id of profileIds ?? (await listProfileIds(storage))) {
    const from = checksPartition(id, "");
    const to = checksPartition(id, cutoffHour);
    deleted += await deleteWhere(table, odata`PartitionKey ge ${from} and PartitionKey lt ${to}`);
  }
  return deleted;
}

/** Every check of one profile, whatever the hour (the profile is being deleted). */
export async function deleteAllChecks(storage: Storage, profileId: string): Promise<number> {
  const from = checksPartition(profileId, "");
  const to = `${encodeKeyPart(profileId)}\``; // "`" follows "_": the end of this profile's partitions
  return deleteWhere(await storage.table("checks"), odata`PartitionKey ge ${from} and PartitionKey lt ${to}`);
}
