import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { deleteWhere, statusOf } from "./batch.js";
import { encodeKeyPart, newestFirstKey } from "./keys.js";

/** The store's one not-found convention: a read of an entity that does not exist answers undefined. */
export async function getOrUndefined<T extends object>(table: TableClient, partitionKey: string, rowKey: string): Promise<TableEntityResult<T> | undefined> {
  try {
    return await table.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The first `n` rows the filter selects in key order: the newest `n` of a partition whose row keys are newest first. */
export async function firstRows<T extends object>(table: TableClient, filter: string, n: number): Promise<TableEntityResult<T>[]> {
  if (n <= 0) return [];
  const rows: TableEntityResult<T>[] = [];
  for await (const page of table.listEntities<T>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(n, 1000) })) {
    for (const e of page) {
      rows.push(e);
      if (rows.length === n) return rows;
    }
  }
  return rows;
}

/** A profile's partition, whole. */
export async function deletePartition(table: TableClient, profileId: string): Promise<number> {
  return deleteWhere(table, odata`PartitionKey eq ${encodeKeyPart(profileId)}`);
}

/**
 * Retention of a table whose rows are keyed newest first (`newestFirstKey(at, suffix)`): the rows older than
 * `cutoff`, one key range per profile. `keySuffix` sorts after every suffix the table uses, so that rows of the
 * cutoff millisecond itself are kept.
 */
export async function deleteRowsBefore(table: TableClient, cutoff: Date, keySuffix: string, profileIds: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const id of profileIds) {
    deleted += await deleteWhere(table, odata`PartitionKey eq ${encodeKeyPart(id)} and RowKey gt ${newestFirstKey(cutoff, keySuffix)}`);
  }
  return deleted;
}
