import { odata, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { MailboxAlert } from "../dataverse/map-records.js";
import type { ServerType } from "../dataverse/server-type.js";
import type { DynamicsMailboxVerdict } from "../dataverse/verdict.js";
import { dynamicsView, type MailboxDynamicsView } from "../dataverse/view.js";
import type { AgreementCounts, DynamicsProfileSummary } from "../model/dynamics.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { ProfileSummary } from "../model/summary.js";
import { submitInTransactions } from "./batch.js";
import { decodeKeyPart, encodeKeyPart, jsonColumn, parseJsonColumn } from "./keys.js";
import { deletePartition, getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `dynamics` table (partition: profile id, row: mailbox address): what Dynamics 365 itself says about each
 * mailbox of a profile that comes from Dataverse, as the last sync read it. Written by the sync only
 * (lib/profiles/dataverse-sync.ts); the status and the email read it beside the probe's mailbox records
 * (lib/dataverse/view.ts puts the two side by side).
 */

export interface DynamicsRow {
  profileId: string;
  /** Lower case, as in the `mailboxes` table. */
  address: string;
  /** Dataverse's mailboxid. */
  mailboxId: string;
  verdict: DynamicsMailboxVerdict;
  /** The newest error trace logs Dynamics shows on the mailbox (only while it fails), newest first. */
  alerts: MailboxAlert[];
  /** What the sync wrote (lib/dataverse/diff.ts): an unchanged mailbox is not written again. */
  fingerprint: string;
}

type DynamicsEntity = { mailboxId: string; verdict: string; alerts: string; fingerprint: string };

function encode(row: DynamicsRow): { partitionKey: string; rowKey: string } & DynamicsEntity {
  return {
    partitionKey: encodeKeyPart(row.profileId),
    rowKey: encodeKeyPart(row.address),
    mailboxId: row.mailboxId,
    verdict: jsonColumn("verdict", row.verdict),
    alerts: jsonColumn("alerts", row.alerts),
    fingerprint: row.fingerprint,
  };
}

function decode(e: TableEntityResult<DynamicsEntity>): DynamicsRow {
  return {
    profileId: decodeKeyPart(e.partitionKey!),
    address: decodeKeyPart(e.rowKey!),
    mailboxId: String(e.mailboxId ?? ""),
    verdict: parseJsonColumn<DynamicsMailboxVerdict>(e.verdict, undefined as unknown as DynamicsMailboxVerdict),
    alerts: parseJsonColumn<MailboxAlert[]>(e.alerts, []),
    fingerprint: String(e.fingerprint ?? ""),
  };
}

/** Every Dynamics row of a profile, in address order (one request per 1000 mailboxes). Rows that do not parse are left out. */
export async function readDynamics(storage: Storage, profileId: string): Promise<DynamicsRow[]> {
  const rows = await (await storage.table("dynamics")).rowsWhere<DynamicsEntity>(odata`PartitionKey eq ${encodeKeyPart(profileId)}`);
  return rows.map(decode).filter((r) => r.verdict !== undefined);
}

/** One mailbox's Dynamics row; undefined when the mailbox does not come from Dataverse. */
export async function readDynamicsMailbox(storage: Storage, profileId: string, address: string): Promise<DynamicsRow | undefined> {
  const e = await getOrUndefined<DynamicsEntity>(await storage.table("dynamics"), encodeKeyPart(profileId), encodeKeyPart(address.toLowerCase()));
  if (e === undefined) return undefined;
  const row = decode(e);
  return row.verdict === undefined ? undefined : row;
}

/** Address and fingerprint of every row of a profile (what the sync compares against), without the verdicts. */
export async function readDynamicsFingerprints(storage: Storage, profileId: string): Promise<{ address: string; fingerprint: string }[]> {
  const rows = await (await storage.table("dynamics")).rowsWhere<DynamicsEntity>(odata`PartitionKey eq ${encodeKeyPart(profileId)}`, ["RowKey", "fingerprint"]);
  return rows.map((e) => ({ address: decodeKeyPart(e.rowKey!), fingerprint: String(e.fingerprint ?? "") }));
}

/** Writes whole rows, 100 per transaction per profile. Returns the transactions sent. */
export async function writeDynamics(storage: Storage, rows: readonly DynamicsRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const actions: TransactionAction[] = rows.map((r) => ["upsert", encode(r), "Replace"]);
  return submitInTransactions(await storage.table("dynamics"), actions);
}

/** Deletes some rows of a profile, 100 per transaction. Returns the transactions sent. */
export async function deleteDynamics(storage: Storage, profileId: string, addresses: readonly string[]): Promise<number> {
  if (addresses.length === 0) return 0;
  const partitionKey = encodeKeyPart(profileId);
  const actions: TransactionAction[] = addresses.map((a) => ["delete", { partitionKey, rowKey: encodeKeyPart(a.toLowerCase()) }]);
  return submitInTransactions(await storage.table("dynamics"), actions);
}

export async function deleteAllDynamics(storage: Storage, profileId: string): Promise<number> {
  return deletePartition(await storage.table("dynamics"), profileId);
}

/**
 * For the status and the email: the mailboxes of a profile from Dataverse with Dynamics' verdict beside the probe's,
 * and the class counts. Undefined for a profile that does not come from Dataverse (its summary has no `dynamics`).
 * `records`: the profile's stored mailboxes (listMailboxes), which hold the probe's last word.
 */
export async function readDynamicsView(
  storage: Storage,
  summary: Pick<ProfileSummary, "profileId" | "serverType" | "dynamics">,
  records: readonly MailboxRecord[],
  now: Date,
): Promise<{ mailboxes: MailboxDynamicsView[]; counts: AgreementCounts } | undefined> {
  if (summary.dynamics === undefined) return undefined;
  const rows = await readDynamics(storage, summary.profileId);
  return dynamicsView(rows, records, summary.serverType as ServerType, summary.dynamics.credentials, now.getTime());
}

/**
 * The summary's `dynamics` with its class counts made anew from the probe's current mailbox records (the roll-up
 * calls this after a cycle so the counts follow the probe; the sync after it wrote Dynamics' verdicts).
 * Undefined for a profile that does not come from Dataverse.
 */
export async function recountDynamics(
  storage: Storage,
  summary: Pick<ProfileSummary, "profileId" | "serverType" | "dynamics">,
  records: readonly MailboxRecord[],
  now: Date,
): Promise<DynamicsProfileSummary | undefined> {
  const view = await readDynamicsView(storage, summary, records, now);
  if (view === undefined || summary.dynamics === undefined) return undefined;
  return { ...summary.dynamics, agreement: view.counts, countedAt: now.toISOString() };
}
