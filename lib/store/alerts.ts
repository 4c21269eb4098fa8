import { createHash } from "node:crypto";
import { odata, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { AlertAudience, AlertKind, AlertRecord } from "../model/alert.js";
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
  /** JSON list; rows written before hold `audience` (one of them) instead. */
  audiences?: string;
  audience?: string;
  address?: string;
  message: string;
  failure?: string;
};

/**
 * The row key: newest first, then 8 hex digits of a hash of the alert, so two alerts of one millisecond get two rows
 * and writing the same alert again rewrites its row instead of adding one. A cycle's alerts are filed under the
 * cycle's time (`keyAt`) and their event (kind, mailbox), whatever time they were raised at: a redelivered message
 * that raises one again, later, rewrites the same row.
 */
export function alertRowKey(alert: AlertRecord, keyAt?: string): string {
  const event = keyAt === undefined ? [alert.kind, alert.address ?? "", alert.message] : [alert.kind, alert.address ?? ""];
  const digest = createHash("sha256").update(JSON.stringify(event)).digest("hex");
  return newestFirstKey(new Date(keyAt ?? alert.at), `_${digest.slice(0, 8)}`);
}

/** Writes alerts in transactions per profile; returns the transactions sent. `keyAt`: the cycle's time (see alertRowKey). */
export async function recordAlerts(storage: Storage, alerts: readonly AlertRecord[], keyAt?: string): Promise<number> {
  if (alerts.length === 0) return 0;
  const actions: TransactionAction[] = alerts.map((a) => {
    const entity: AlertEntity = { at: a.at, kind: a.kind, audiences: JSON.stringify(a.audiences), message: clip(a.message, 8_000) };
    if (a.address !== undefined) entity.address = a.address;
    if (a.failure !== undefined) entity.failure = failureColumn("failure", a.failure);
    return ["upsert", { partitionKey: encodeKeyPart(a.profileId), rowKey: alertRowKey(a, keyAt), ...entity }, "Replace"];
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
    audiences: audiencesOf(e),
    message: String(e.message ?? ""),
  };
  const address = optionalString(e.address);
  if (address !== undefined) alert.address = address;
  const failure = parseJsonColumn<Failure | undefined>(e.failure, undefined);
  if (failure !== undefined) alert.failure = failure;
  return alert;
}

function audiencesOf(e: AlertEntity): AlertAudience[] {
  const listed = parseJsonColumn<unknown>(e.audiences, undefined);
  const raw = Array.isArray(listed) ? listed : [e.audience ?? "owner"];
  const known = raw.filter((a): a is AlertAudience => a === "mailbox" || a === "owner");
  return known.length > 0 ? known : ["owner"];
}
