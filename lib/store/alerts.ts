import { createHash } from "node:crypto";
import { odata, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { AlertKind, AlertRecord } from "../model/alert.js";
import type { Failure } from "../model/failure.js";
import { submitInTransactions } from "./batch.js";
import { clip, decodeKeyPart, encodeKeyPart, failureColumn, newestFirstKey, optionalString, parseJsonColumn } from "./keys.js";
import { listProfileIds } from "./profiles.js";
import { deletePartition, deleteRowsBefore, firstRows } from "./rows.js";
import type { Storage } from "./storage.js";

/** The `alerts` table: partition profile id, row newest-first time key + a suffix derived from the alert. */

type AlertEntity = {
  at: string;
  kind: string;
  audience: string;
  address?: string;
  message: string;
  failure?: string;
};

/**
 * The row key: newest first, then 8 hex digits of a hash of the alert, so two alerts of one millisecond get two rows
 * and writing the same alert again (a redelivered message) rewrites its row instead of adding one.
 */
export function alertRowKey(alert: AlertRecord): string {
  const digest = createHash("sha256").update(JSON.stringify([alert.kind, alert.audience, alert.address ?? "", alert.message])).digest("hex");
  return newestFirstKey(new Date(alert.at), `_${digest.slice(0, 8)}`);
}

/** Writes alerts in transactions per profile; returns the transactions sent. */
export async function recordAlerts(storage: Storage, alerts: readonly AlertRecord[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const actions: TransactionAction[] = alerts.map((a) => {
    const entity: AlertEntity = { at: a.at, kind: a.kind, audience: a.audience, message: clip(a.message, 8_000) };
    if (a.address !== undefined) entity.address = a.address;
    if (a.failure !== undefined) entity.failure = failureColumn("failure", a.failure);
    return ["upsert", { partitionKey: encodeKeyPart(a.profileId), rowKey: alertRowKey(a), ...entity }, "Replace"];
  });
  return submitInTransactions(await storage.table("alerts"), actions);
}

/** The newest `n` alerts of a profile, newest first. */
export async function recentAlerts(storage: Storage, profileId: string, n: number): Promise<AlertRecord[]> {
  const rows = await firstRows<AlertEntity>(await storage.table("alerts"), odata`PartitionKey eq ${encodeKeyPart(profileId)}`, n);
  return rows.map(decode);
}

/** Retention: alerts older than `cutoff`, one key range per profile (profiles default to every stored profile). */
export async function deleteAlertsBefore(storage: Storage, cutoff: Date, profileIds?: readonly string[]): Promise<number> {
  // "~" sorts after the "_" of every suffix: alerts of the cutoff millisecond itself are kept.
  return deleteRowsBefore(await storage.table("alerts"), cutoff, "~", profileIds ?? (await listProfileIds(storage)));
}

export async function deleteAllAlerts(storage: Storage, profileId: string): Promise<number> {
  return deletePartition(await storage.table("alerts"), profileId);
}

function decode(e: TableEntityResult<AlertEntity>): AlertRecord {
  const alert: AlertRecord = {
    profileId: decodeKeyPart(e.partitionKey!),
    at: String(e.at),
    kind: e.kind as AlertKind,
    audience: e.audience === "mailbox" ? "mailbox" : "owner",
    message: String(e.message ?? ""),
  };
  const address = optionalString(e.address);
  if (address !== undefined) alert.address = address;
  const failure = parseJsonColumn<Failure | undefined>(e.failure, undefined);
  if (failure !== undefined) alert.failure = failure;
  return alert;
}
