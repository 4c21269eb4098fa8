import type { TableClient, TransactionAction } from "@azure/data-tables";
import { errorsOf, settleInParallel } from "../util/in-parallel.js";

/** A transaction holds at most 100 entities of one partition and at most 4 MiB of payload. */
export const maxTransactionEntities = 100;
const maxTransactionChars = 3_500_000;
/** Partitions are independent; a few of them are sent at once. */
const partitionsInParallel = 8;

/**
 * Sends the actions as transactions: grouped by partition, chunked to ≤ 100 entities (and well under 4 MiB),
 * one row at most once per transaction (a second action on the same row starts the next chunk, so order holds).
 * Returns the number of transactions sent. A failed transaction throws; earlier ones stay written.
 */
export async function submitInTransactions(table: TableClient, actions: readonly TransactionAction[]): Promise<number> {
  const partitions = [...groupByPartition(actions).values()].map(chunkPartition);
  let sent = 0;
  const settled = await settleInParallel(partitions, partitionsInParallel, async (chunks) => {
    for (const chunk of chunks) {
      await table.submitTransaction(chunk);
      sent++;
    }
  });
  // Every partition is tried; the first failure is thrown once the others are done.
  const errors = errorsOf(settled);
  if (errors.length > 0) throw errors[0];
  return sent;
}

function groupByPartition(actions: readonly TransactionAction[]): Map<string, TransactionAction[]> {
  const groups = new Map<string, TransactionAction[]>();
  for (const action of actions) {
    const key = action[1].partitionKey;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [action]);
    else group.push(action);
  }
  return groups;
}

function chunkPartition(actions: readonly TransactionAction[]): TransactionAction[][] {
  const chunks: TransactionAction[][] = [];
  let current: TransactionAction[] = [];
  let rows = new Set<string>();
  let chars = 0;
  for (const action of actions) {
    const size = JSON.stringify(action[1]).length;
    const row = action[1].rowKey;
    if (current.length === maxTransactionEntities || rows.has(row) || (current.length > 0 && chars + size > maxTransactionChars)) {
      chunks.push(current);
      current = [];
      rows = new Set();
      chars = 0;
    }
    current.push(action);
    rows.add(row);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Deletes every entity the filter selects, page by page (keys only), in transactions.
 * Returns the number of entities deleted.
 */
export async function deleteWhere(table: TableClient, filter: string): Promise<number> {
  let deleted = 0;
  const pages = table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } }).byPage({ maxPageSize: 1000 });
  for await (const page of pages) {
    const actions: TransactionAction[] = page.map((e) => ["delete", { partitionKey: e.partitionKey!, rowKey: e.rowKey! }]);
    try {
      await submitInTransactions(table, actions);
    } catch (error) {
      // Another deleter got there first: one missing row fails its whole transaction, so finish row by row.
      if (statusOf(error) !== 404) throw error;
      for (const [, e] of actions) await ignoreNotFound(() => table.deleteEntity(e.partitionKey, e.rowKey));
    }
    deleted += actions.length;
  }
  return deleted;
}

export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Runs a request whose 404 means "already gone"; returns false then. */
export async function ignoreNotFound(request: () => Promise<unknown>): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

/** Runs a request conditional on an ETag whose 404 or 412 means another writer moved on first; returns false then. */
export async function ignoreGoneOrChanged(request: () => Promise<unknown>): Promise<boolean> {
  try {
    await request();
    return true;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 412) return false;
    throw error;
  }
}
