import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import type { WindowFigures } from "../model/summary.js";
import { deleteWhere, statusOf } from "./batch.js";
import { clip, encodeKeyPart, newestFirstKey, optionalString } from "./keys.js";
import { deletePartition, firstRows, getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `notifications` table: partition = profile id; row `ledger` guards "at most one email per
 * profile in any 60 minutes"; the other rows (newest-first keys, which sort before "ledger") record
 * every email sent or possibly sent.
 *
 * Ledger states: `idle` (never claimed, or the only claim was released), `claimed` (a run holds the
 * right to send, or crashed holding it), `sent` (the server accepted the email), `unknown` (the send
 * may or may not have been delivered). A claim is refused while an email was sent OR a claim was
 * taken in the last 60 minutes, whatever the state: a crash after claiming costs that hour's email,
 * never doubles it. Every change is conditional on the ETag read, so of racing runs one wins.
 */
export const quietPeriodMs = 60 * 60 * 1000;
const ledgerKey = "ledger";

export type LedgerState = "idle" | "claimed" | "sent" | "unknown";

export type Ledger = {
  state: LedgerState;
  claimId?: string;
  claimedAt?: string;
  lastSentAt?: string;
  emailsSent: number;
};

export type Claim = { kind: "claimed"; claimId: string; at: Date; etag: string; previous: Ledger };
export type ClaimResult = Claim | { kind: "recently-sent"; lastAt: string; by: "email" | "claim" } | { kind: "lost-race" };

/** What an email said, for the history row. */
export interface EmailDetails {
  at: Date;
  subject: string;
  recipient: string;
  figures: WindowFigures;
  window: { from: Date; to: Date };
}

export type HistoryRecord = {
  at: string;
  subject: string;
  recipient: string;
  figures: WindowFigures;
  window: { from: string; to: string };
  claimId: string;
} & ({ outcome: "sent"; messageId: string } | { outcome: "unknown"; error: string });

export type LedgerUpdate = { kind: "recorded"; ledger: Ledger } | { kind: "ledger-changed" };

type LedgerEntity = Ledger & { partitionKey: string; rowKey: string };
type Read = { kind: "absent" } | { kind: "found"; ledger: Ledger; etag: string };

const partition = (profileId: string): string => encodeKeyPart(profileId);

function toEntity(profileId: string, ledger: Ledger): LedgerEntity {
  const entity: LedgerEntity = { partitionKey: partition(profileId), rowKey: ledgerKey, state: ledger.state, emailsSent: ledger.emailsSent };
  if (ledger.claimId !== undefined) entity.claimId = ledger.claimId;
  if (ledger.claimedAt !== undefined) entity.claimedAt = ledger.claimedAt;
  if (ledger.lastSentAt !== undefined) entity.lastSentAt = ledger.lastSentAt;
  return entity;
}

function fromEntity(e: Record<string, unknown>): Ledger {
  const ledger: Ledger = { state: (optionalString(e.state) as LedgerState | undefined) ?? "idle", emailsSent: Number(e.emailsSent ?? 0) };
  const claimId = optionalString(e.claimId);
  const claimedAt = optionalString(e.claimedAt);
  const lastSentAt = optionalString(e.lastSentAt);
  if (claimId !== undefined) ledger.claimId = claimId;
  if (claimedAt !== undefined) ledger.claimedAt = claimedAt;
  if (lastSentAt !== undefined) ledger.lastSentAt = lastSentAt;
  return ledger;
}

async function read(table: TableClient, profileId: string): Promise<Read> {
  const e = await getOrUndefined<Record<string, unknown>>(table, partition(profileId), ledgerKey);
  return e === undefined ? { kind: "absent" } : { kind: "found", ledger: fromEntity(e), etag: e.etag };
}

export async function readLedger(storage: Storage, profileId: string): Promise<Ledger | undefined> {
  const found = await read(await storage.table("notifications"), profileId);
  return found.kind === "found" ? found.ledger : undefined;
}

/** Pure: why a claim must wait, if it must — an email or a claim in the last 60 minutes. */
export function quietUntil(ledger: Ledger, now: Date): { lastAt: string; by: "email" | "claim" } | undefined {
  const recent = (iso: string | undefined): boolean => iso !== undefined && now.getTime() - Date.parse(iso) < quietPeriodMs;
  if (recent(ledger.lastSentAt)) return { lastAt: ledger.lastSentAt!, by: "email" };
  if (recent(ledger.claimedAt)) return { lastAt: ledger.claimedAt!, by: "claim" };
  return undefined;
}

/** Takes the right to send one email for this profile now, or says why not. */
export async function claim(storage: Storage, profileId: string, now: Date, claimId: string): Promise<ClaimResult> {
  const table = await storage.table("notifications");
  let current = await read(table, profileId);
  const previousOf = (r: Read): Ledger => (r.kind === "found" ? r.ledger : { state: "idle", emailsSent: 0 });
  const claimed = (r: Read): Ledger => ({ ...previousOf(r), state: "claimed", claimId, claimedAt: now.toISOString() });

  if (current.kind === "absent") {
    try {
      const created = await table.createEntity(toEntity(profileId, claimed(current)));
      return { kind: "claimed", claimId, at: now, etag: created.etag!, previous: previousOf(current) };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      current = await read(table, profileId);
      if (current.kind === "absent") return { kind: "lost-race" };
    }
  }
  const found = current as Extract<Read, { kind: "found" }>;
  const quiet = quietUntil(found.ledger, now);
  if (quiet !== undefined) return { kind: "recently-sent", ...quiet };
  try {
    const updated = await table.updateEntity(toEntity(profileId, claimed(found)), "Replace", { etag: found.etag });
    return { kind: "claimed", claimId, at: now, etag: updated.etag!, previous: found.ledger };
  } catch (error) {
    if (statusOf(error) === 412) return { kind: "lost-race" };
    throw error;
  }
}

function historyEntity(profileId: string, c: Claim, details: EmailDetails, outcome: { messageId: string } | { error: string }) {
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: partition(profileId),
    rowKey: newestFirstKey(details.at, `_${c.claimId}`),
    outcome: "messageId" in outcome ? "sent" : "unknown",
    at: details.at.toISOString(),
    claimId: c.claimId,
    subject: clip(details.subject, 1000),
    recipient: details.recipient,
    processed: details.figures.processed,
    failed: details.figures.failed,
    succeeded: details.figures.succeeded,
    failurePercent: details.figures.failurePercent,
    windowFrom: details.window.from.toISOString(),
    windowTo: details.window.to.toISOString(),
  };
  if ("messageId" in outcome) entity.messageId = clip(outcome.messageId, 1000);
  else entity.error = clip(outcome.error);
  return entity;
}

/** Updates the ledger (only if it is still as this claim left it) and writes the history row, in one transaction. */
async function settle(storage: Storage, profileId: string, c: Claim, ledger: Ledger, history: ReturnType<typeof historyEntity>): Promise<LedgerUpdate> {
  const table = await storage.table("notifications");
  const actions: TransactionAction[] = [
    ["update", toEntity(profileId, ledger), "Replace", { etag: c.etag }],
    ["create", history],
  ];
  try {
    await table.submitTransaction(actions);
    return { kind: "recorded", ledger };
  } catch (error) {
    if (statusOf(error) !== 412) throw error;
    await table.upsertEntity(history, "Replace"); // the email still happened: keep its record
    return { kind: "ledger-changed" };
  }
}

/** The server accepted the email: the ledger says sent (and counts it), and a history row says what was sent. */
export function confirmSent(storage: Storage, profileId: string, c: Claim, details: EmailDetails & { messageId: string }): Promise<LedgerUpdate> {
  const ledger: Ledger = { state: "sent", claimId: c.claimId, claimedAt: c.at.toISOString(), lastSentAt: details.at.toISOString(), emailsSent: c.previous.emailsSent + 1 };
  return settle(storage, profileId, c, ledger, historyEntity(profileId, c, details, { messageId: details.messageId }));
}

/** The send may have been delivered: the claim is kept (no second email this hour) and the history says so. */
export function keepUnknown(storage: Storage, profileId: string, c: Claim, details: EmailDetails & { error: string }): Promise<LedgerUpdate> {
  const ledger: Ledger = { ...c.previous, state: "unknown", claimId: c.claimId, claimedAt: c.at.toISOString() };
  return settle(storage, profileId, c, ledger, historyEntity(profileId, c, details, { error: details.error }));
}

/** The send definitely failed before the server accepted anything: restore the ledger as it was before the claim. */
export async function release(storage: Storage, profileId: string, c: Claim): Promise<LedgerUpdate> {
  const table = await storage.table("notifications");
  try {
    await table.updateEntity(toEntity(profileId, c.previous), "Replace", { etag: c.etag });
    return { kind: "recorded", ledger: c.previous };
  } catch (error) {
    if (statusOf(error) === 412) return { kind: "ledger-changed" };
    throw error;
  }
}

/** Retention: the history rows older than `cutoff`; the ledger stays. */
export async function deleteHistoryBefore(storage: Storage, profileId: string, cutoff: Date): Promise<number> {
  const filter = odata`PartitionKey eq ${partition(profileId)} and RowKey gt ${newestFirstKey(cutoff, "~")} and RowKey lt ${ledgerKey}`;
  return deleteWhere(await storage.table("notifications"), filter);
}

/** The last `n` emails recorded for the profile, newest first. */
export async function history(storage: Storage, profileId: string, n: number): Promise<HistoryRecord[]> {
  const filter = odata`PartitionKey eq ${partition(profileId)} and RowKey lt ${ledgerKey}`;
  return (await firstRows<Record<string, unknown>>(await storage.table("notifications"), filter, n)).map(toHistory);
}

/** The ledger and the history of a profile (the profile is being deleted). */
export async function deleteAllNotifications(storage: Storage, profileId: string): Promise<number> {
  return deletePartition(await storage.table("notifications"), profileId);
}

function toHistory(e: Record<string, unknown>): HistoryRecord {
  const s = (v: unknown): string => (typeof v === "string" ? v : "");
  const n = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
  const base = {
    at: s(e.at),
    subject: s(e.subject),
    recipient: s(e.recipient),
    claimId: s(e.claimId),
    figures: { processed: n(e.processed), failed: n(e.failed), succeeded: n(e.succeeded), failurePercent: n(e.failurePercent) },
    window: { from: s(e.windowFrom), to: s(e.windowTo) },
  };
  return e.outcome === "sent" ? { ...base, outcome: "sent", messageId: s(e.messageId) } : { ...base, outcome: "unknown", error: s(e.error) };
}
