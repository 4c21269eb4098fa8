import { odata, type TableEntityResult } from "@azure/data-tables";
import type { MailboxCheck, TestConnectionReport } from "../model/connection.js";
import { compactFailure, encodeKeyPart, jsonColumn, maxPropertyChars, newestFirstKey, parseJsonColumn } from "./keys.js";
import { listProfileIds } from "./profiles.js";
import { deletePartition, deleteRowsBefore, firstRows } from "./rows.js";
import type { Storage } from "./storage.js";
import { compactSteps } from "./summaries.js";

/** The `connection` table: partition profile id, row newest-first time key; one Test Connection run per row. */

type ConnectionEntity = {
  at: string;
  ok: boolean;
  elapsedMs: number;
  steps: string;
  mailboxes: string;
  /** Mailbox results left out because the column would not hold them all. */
  mailboxesOmitted: number;
  certificates: string;
  server?: string;
};

export interface StoredTestConnection {
  at: string;
  report: TestConnectionReport;
}

export async function recordTestConnection(storage: Storage, profileId: string, report: TestConnectionReport, at: Date): Promise<void> {
  const { kept, omitted } = fitMailboxes(report.mailboxes);
  const entity: ConnectionEntity = {
    at: at.toISOString(),
    ok: report.ok,
    elapsedMs: report.elapsedMs,
    steps: jsonColumn("steps", compactSteps(report.steps)),
    mailboxes: jsonColumn("mailboxes", kept),
    mailboxesOmitted: omitted,
    certificates: jsonColumn("certificates", report.certificates.slice(0, 50)),
  };
  if (report.server !== undefined) entity.server = jsonColumn("server", report.server);
  const table = await storage.table("connection");
  await table.upsertEntity({ partitionKey: encodeKeyPart(profileId), rowKey: newestFirstKey(at), ...entity }, "Replace");
}

/** The newest `n` runs of a profile, newest first (one request for n ≤ 1000). */
export async function latestTestConnections(storage: Storage, profileId: string, n: number): Promise<StoredTestConnection[]> {
  const rows = await firstRows<ConnectionEntity>(await storage.table("connection"), odata`PartitionKey eq ${encodeKeyPart(profileId)}`, n);
  return rows.map((e) => decode(profileId, e));
}

/** Retention: runs older than `cutoff`, one key range per profile (profiles default to every stored profile). */
export async function deleteConnectionRunsBefore(storage: Storage, cutoff: Date, profileIds?: readonly string[]): Promise<number> {
  return deleteRowsBefore(await storage.table("connection"), cutoff, "", profileIds ?? (await listProfileIds(storage)));
}

export async function deleteAllConnectionRuns(storage: Storage, profileId: string): Promise<number> {
  return deletePartition(await storage.table("connection"), profileId);
}

/** Keeps as many mailbox results as fit in one column, failures compacted. */
function fitMailboxes(mailboxes: readonly MailboxCheck[]): { kept: MailboxCheck[]; omitted: number } {
  const kept: MailboxCheck[] = [];
  let chars = 2;
  for (const m of mailboxes) {
    const compact = m.ok ? m : { ...m, error: compactFailure(m.error) };
    const size = JSON.stringify(compact).length + 1;
    if (chars + size > maxPropertyChars) break;
    kept.push(compact);
    chars += size;
  }
  return { kept, omitted: mailboxes.length - kept.length };
}

function decode(profileId: string, e: TableEntityResult<ConnectionEntity>): StoredTestConnection {
  const report: TestConnectionReport = {
    profile: profileId,
    ok: e.ok === true,
    elapsedMs: Number(e.elapsedMs ?? 0),
    steps: parseJsonColumn(e.steps, []),
    mailboxes: parseJsonColumn(e.mailboxes, []),
    certificates: parseJsonColumn(e.certificates, []),
  };
  const server = parseJsonColumn<TestConnectionReport["server"]>(e.server, undefined);
  if (server !== undefined) report.server = server;
  return { at: String(e.at), report };
}
