import { odata, type TableEntityResult } from "@azure/data-tables";
import type { HourlyRow } from "../model/summary.js";
import { deleteWhere } from "./batch.js";
import { encodeKeyPart } from "./keys.js";
import type { Storage } from "./storage.js";

/** The `hourly` table: partition profile id, row `yyyyMMddHH`; one profile's figures for one UTC hour. */

type HourlyEntity = { processed: number; failed: number; succeeded: number; failurePercent: number; maintenance?: boolean };

/** Idempotent: the figures of an hour are recomputed and replaced, never added to. */
export async function upsertHourly(storage: Storage, profileId: string, row: HourlyRow): Promise<void> {
  const table = await storage.table("hourly");
  const entity: HourlyEntity = { processed: row.processed, failed: row.failed, succeeded: row.succeeded, failurePercent: row.failurePercent };
  if (row.maintenance === true) entity.maintenance = true;
  await table.upsertEntity({ partitionKey: encodeKeyPart(profileId), rowKey: row.hour, ...entity }, "Replace");
}

/** The rows from `sinceHour` (included) on, oldest first. */
export async function readHourly(storage: Storage, profileId: string, sinceHour: string): Promise<HourlyRow[]> {
  const filter = odata`PartitionKey eq ${encodeKeyPart(profileId)} and RowKey ge ${sinceHour}`;
  return (await (await storage.table("hourly")).rowsWhere<HourlyEntity>(filter)).map(decode);
}

/** Retention and profile deletion: rows before `beforeHour` (all of them when it is undefined). */
export async function deleteHourly(storage: Storage, profileId: string, beforeHour?: string): Promise<number> {
  const partition = odata`PartitionKey eq ${encodeKeyPart(profileId)}`;
  const filter = beforeHour === undefined ? partition : `${partition} and ${odata`RowKey lt ${beforeHour}`}`;
  return deleteWhere(await storage.table("hourly"), filter);
}

function decode(e: TableEntityResult<HourlyEntity>): HourlyRow {
  const row: HourlyRow = {
    hour: e.rowKey!,
    processed: Number(e.processed),
    failed: Number(e.failed),
    succeeded: Number(e.succeeded),
    failurePercent: Number(e.failurePercent),
  };
  if (e.maintenance === true) row.maintenance = true;
  return row;
}
