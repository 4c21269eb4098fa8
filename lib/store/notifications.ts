import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { emailKinds, noEmailOutcomes, type EmailAttempt, type EmailKind, type EmailOutcomeCounts, type StoryState } from "../model/notification.js";
import type { WindowFigures } from "../model/summary.js";
import { deleteWhere, statusOf } from "./batch.js";
import { clip, encodeKeyPart, jsonColumn, newestFirstKey, optionalString, parseJsonColumn } from "./keys.js";
import { deletePartition, firstRows, getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `notifications` table: partition = profile id; row `ledger` guards "at most one email per
 * profile in any 60 minutes" and remembers the profile's story (the last email and its kind, an open
 * alert, a stale episode already told); the other rows (newest-first keys, which sort before "ledger")
 * record every send attempt: sent, refused or uncertain.
 *
 * Ledger states: `idle` (never claimed, or the only claim was released), `claimed` (a run holds the
 * right to send, or crashed holding it), `sent` (the server accepted the email), `unknown` (the send
 * may or may not have been delivered). A claim is refused while an email was sent (or possibly sent)
 * OR a claim was taken in the last 60 minutes, whatever the state: a crash after claiming costs that
 * hour's email, never doubles it. The claim's time is the moment of the send attempt, not the start of
 * the run that makes it, and the email's time is the end of the SMTP exchange. Every change is
 * conditional on the ETag the run decided on, so of racing runs one wins.
 */
export const quietPeriodMs = 60 * 60 * 1000;
const ledgerKey = "ledger";

export type LedgerState = "idle" | "claimed" | "sent" | "unknown";

export type Ledger = {
  state: LedgerState;
  claimId?: string;
  /** When the last claim was taken: just before its send attempt. */
  claimedAt?: string;
  /** The last email the server accepted. */
  lastSentAt?: string;
  emailsSent: number;
  story: StoryState;
  outcomes: EmailOutcomeCounts;
  lastAttempt?: EmailAttempt;
};

/** The ledger as a run read it, with the ETag its later writes are conditional on. */
export type LedgerRead = { kind: "absent" } | { kind: "found"; ledger: Ledger; etag: string };

export type Claim = { kind: "claimed"; claimId: string; at: Date; etag: string; previous: Ledger };
export type ClaimResult = Claim | { kind: "recently-sent"; lastAt: string; by: "email" | "claim" } | { kind: "lost-race" };

/** What an email said, for the history row. `at` is the end of the send attempt. */
export interface EmailDetails {
  at: Date;
  kind: EmailKind;
  subject: string;
  recipient: string;
  figures: WindowFigures;
  window: { from: Date; to: Date };
}

export type HistoryRecord = {
  at: string;
  kind: EmailKind;
  subject: string;
  recipient: string;
  figures: WindowFigures;
  window: { from: string; to: string };
  claimId: string;
} & ({ outcome: "sent"; messageId: string } | { outcome: "refused"; reason: string } | { outcome: "uncertain"; reason: string });

export type LedgerUpdate = { kind: "recorded"; ledger: Ledger } | { kind: "ledger-changed" };

const emptyLedger = (): Ledger => ({ state: "idle", emailsSent: 0, story: { alertOpen: false, staleNotified: false }, outcomes: { ...noEmailOutcomes } });

type LedgerEntity = Record<string, string | number | boolean> & { partitionKey: string; rowKey: string };

const partition = (profileId: string): string => encodeKeyPart(profileId);

function toEntity(profileId: string, ledger: Ledger): LedgerEntity {
  const entity: LedgerEntity = {
    partitionKey: partition(profileId),
    rowKey: ledgerKey,
    state: ledger.state,
    emailsSent: ledger.emailsSent,
    alertOpen: ledger.story.alertOpen,
    staleNotified: ledger.story.staleNotified,
    sentCount: ledger.outcomes.sent,
    refusedCount: ledger.outcomes.refused,
    uncertainCount: ledger.outcomes.uncertain,
  };
  if (ledger.claimId !== undefined) entity.claimId = ledger.claimId;
  if (ledger.claimedAt !== undefined) entity.claimedAt = ledger.claimedAt;
  if (ledger.lastSentAt !== undefined) entity.lastSentAt = ledger.lastSentAt;
  if (ledger.story.lastEmail !== undefined) {
    entity.lastKind = ledger.story.lastEmail.kind;
    entity.lastEmailAt = ledger.story.lastEmail.at;
  }
  if (ledger.lastAttempt !== undefined) entity.lastAttempt = jsonColumn("lastAttempt", ledger.lastAttempt);
  if (ledger.story.readinessTold !== undefined) {
    entity.readinessFindings = ledger.story.readinessTold.findings;
    entity.readinessToldAt = ledger.story.readinessTold.at;
  }
  return entity;
}

const isKind = (value: unknown): value is EmailKind => (emailKinds as readonly unknown[]).includes(value);

function fromEntity(e: Record<string, unknown>): Ledger {
  const ledger = emptyLedger();
  ledger.state = (optionalString(e.state) as LedgerState | undefined) ?? "idle";
  ledger.emailsSent = Number(e.emailsSent ?? 0);
  const claimId = optionalString(e.claimId);
  const claimedAt = optionalString(e.claimedAt);
  const lastSentAt = optionalString(e.lastSentAt);
  if (claimId !== undefined) ledger.claimId = claimId;
  if (claimedAt !== undefined) ledger.claimedAt = claimedAt;
  if (lastSentAt !== undefined) ledger.lastSentAt = lastSentAt;
  // A ledger written before the story was kept knows only its accepted emails, all of them alerts.
  const lastEmailAt = optionalString(e.lastEmailAt) ?? lastSentAt;
  if (lastEmailAt !== undefined) ledger.story.lastEmail = { kind: isKind(e.lastKind) ? e.lastKind : "alert", at: lastEmailAt };
  ledger.story.alertOpen = e.alertOpen === true;
  ledger.story.staleNotified = e.staleNotified === true;
  const readinessFindings = optionalString(e.readinessFindings);
  const readinessToldAt = optionalString(e.readinessToldAt);
  if (readinessFindings !== undefined && readinessToldAt !== undefined) ledger.story.readinessTold = { findings: readinessFindings, at: readinessToldAt };
  ledger.outcomes = { sent: Number(e.sentCount ?? ledger.emailsSent), refused: Number(e.refusedCount ?? 0), uncertain: Number(e.uncertainCount ?? 0) };
  const lastAttempt = parseJsonColumn<EmailAttempt | undefined>(e.lastAttempt, undefined);
  if (lastAttempt !== undefined) ledger.lastAttempt = lastAttempt;
  return ledger;
}

async function read(table: TableClient, profileId: string): Promise<LedgerRead> {
  const e = await getOrUndefined<Record<string, unknown>>(table, partition(profileId), ledgerKey);
  return e === undefined ? { kind: "absent" } : { kind: "found", ledger: fromEntity(e), etag: e.etag };
}

/** The ledger with its ETag: a run decides on it, and its writes hold only if nobody wrote since. */
export async function readLedgerForUpdate(storage: Storage, profileId: string): Promise<LedgerRead> {
  return read(await storage.table("notifications"), profileId);
}

export async function readLedger(storage: Storage, profileId: string): Promise<Ledger | undefined> {
  const found = await readLedgerForUpdate(storage, profileId);
  return found.kind === "found" ? found.ledger : undefined;
}

export const ledgerOf = (r: LedgerRead): Ledger => (r.kind === "found" ? r.ledger : emptyLedger());

/** Pure: why a claim must wait, if it must — an email (sent or possibly sent) or a claim in the last 60 minutes. */
export function quietUntil(ledger: Ledger, now: Date): { lastAt: string; by: "email" | "claim" } | undefined {
  const recent = (iso: string | undefined): boolean => iso !== undefined && now.getTime() - Date.parse(iso) < quietPeriodMs;
  const emails = [ledger.lastSentAt, ledger.story.lastEmail?.at].filter(recent).sort();
  if (emails.length > 0) return { lastAt: emails[emails.length - 1]!, by: "email" };
  if (recent(ledger.claimedAt)) return { lastAt: ledger.claimedAt!, by: "claim" };
  return undefined;
}

/**
 * Takes the right to send one email for this profile at `at` (the moment of the send attempt), or says why
 * not. With `basis` (the ledger the run decided on), the claim holds only if the ledger is still as read:
 * any change since means another run acted on the same story, and this one lost the race.
 */
export async function claim(storage: Storage, profileId: string, at: Date, claimId: string, basis?: LedgerRead): Promise<ClaimResult> {
  const table = await storage.table("notifications");
  let current = basis ?? (await read(table, profileId));
  const claimed = (r: LedgerRead): Ledger => ({ ...ledgerOf(r), state: "claimed", claimId, claimedAt: at.toISOString() });

  if (current.kind === "absent") {
    try {
      const created = await table.createEntity(toEntity(profileId, claimed(current)));
      return { kind: "claimed", claimId, at, etag: created.etag!, previous: ledgerOf(current) };
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      if (basis !== undefined) return { kind: "lost-race" };
      current = await read(table, profileId);
      if (current.kind === "absent") return { kind: "lost-race" };
    }
  }
  const found = current as Extract<LedgerRead, { kind: "found" }>;
  const quiet = quietUntil(found.ledger, at);
  if (quiet !== undefined) return { kind: "recently-sent", ...quiet };
  try {
    const updated = await table.updateEntity(toEntity(profileId, claimed(found)), "Replace", { etag: found.etag });
    return { kind: "claimed", claimId, at, etag: updated.etag!, previous: found.ledger };
  } catch (error) {
    if (statusOf(error) === 412) return { kind: "lost-race" };
    throw error;
  }
}

/** Records a changed story without an email (a stale episode ended), if the ledger is still as read. */
export async function recordStory(storage: Storage, profileId: string, basis: LedgerRead, story: StoryState): Promise<LedgerUpdate> {
  const table = await storage.table("notifications");
  const ledger: Ledger = { ...ledgerOf(basis), story };
  try {
    if (basis.kind === "absent") await table.createEntity(toEntity(profileId, ledger));
    else await table.updateEntity(toEntity(profileId, ledger), "Replace", { etag: basis.etag });
    return { kind: "recorded", ledger };
  } catch (error) {
    if (statusOf(error) === 412 || statusOf(error) === 409) return { kind: "ledger-changed" };
    throw error;
  }
}

type Outcome = { outcome: "sent"; messageId: string } | { outcome: "refused" | "uncertain"; reason: string };

function historyEntity(profileId: string, c: Claim, details: EmailDetails, outcome: Outcome) {
  const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
    partitionKey: partition(profileId),
    rowKey: newestFirstKey(details.at, `_${c.claimId}`),
    outcome: outcome.outcome,
    kind: details.kind,
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
  if (outcome.outcome === "sent") entity.messageId = clip(outcome.messageId, 1000);
  else entity.reason = clip(outcome.reason);
  return entity;
}

function attempt(details: EmailDetails, outcome: Outcome): EmailAttempt {
  const a: EmailAttempt = { at: details.at.toISOString(), kind: details.kind, outcome: outcome.outcome };
  if (outcome.outcome !== "sent") a.reason = clip(outcome.reason, 1000);
  return a;
}

const counted = (outcomes: EmailOutcomeCounts, outcome: keyof EmailOutcomeCounts): EmailOutcomeCounts => ({ ...outcomes, [outcome]: outcomes[outcome] + 1 });

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
    await table.upsertEntity(history, "Replace"); // the attempt still happened: keep its record
    return { kind: "ledger-changed" };
  }
}

/** The email's story after it went out (or may have): the decision's state, with the email's real time. */
const toldStory = (story: StoryState, details: EmailDetails): StoryState => ({ ...story, lastEmail: { kind: details.kind, at: details.at.toISOString() } });

/** The server accepted the email: the ledger says sent (and counts it) and takes the story on; a history row says what was sent. */
export function confirmSent(storage: Storage, profileId: string, c: Claim, details: EmailDetails & { messageId: string; story: StoryState }): Promise<LedgerUpdate> {
  const outcome: Outcome = { outcome: "sent", messageId: details.messageId };
  const ledger: Ledger = {
    state: "sent",
    claimId: c.claimId,
    claimedAt: c.at.toISOString(),
    lastSentAt: details.at.toISOString(),
    emailsSent: c.previous.emailsSent + 1,
    story: toldStory(details.story, details),
    outcomes: counted(c.previous.outcomes, "sent"),
    lastAttempt: attempt(details, outcome),
  };
  return settle(storage, profileId, c, ledger, historyEntity(profileId, c, details, outcome));
}

/** The send may have been delivered: it counts as told (no second email within 60 minutes) and the history says so. */
export function keepUncertain(storage: Storage, profileId: string, c: Claim, details: EmailDetails & { reason: string; story: StoryState }): Promise<LedgerUpdate> {
  const outcome: Outcome = { outcome: "uncertain", reason: details.reason };
  const ledger: Ledger = {
    ...c.previous,
    state: "unknown",
    claimId: c.claimId,
    claimedAt: c.at.toISOString(),
    story: toldStory(details.story, details),
    outcomes: counted(c.previous.outcomes, "uncertain"),
    lastAttempt: attempt(details, outcome),
  };
  return settle(storage, profileId, c, ledger, historyEntity(profileId, c, details, outcome));
}

/**
 * The send definitely failed before the server accepted anything: the ledger is as it was before the claim
 * (the next run may try again at once, the story unchanged), with the refusal counted and kept as the last attempt.
 */
export function release(storage: Storage, profileId: string, c: Claim, details: EmailDetails & { reason: string }): Promise<LedgerUpdate> {
  const outcome: Outcome = { outcome: "refused", reason: details.reason };
  const ledger: Ledger = { ...c.previous, outcomes: counted(c.previous.outcomes, "refused"), lastAttempt: attempt(details, outcome) };
  return settle(storage, profileId, c, ledger, historyEntity(profileId, c, details, outcome));
}

/** Retention: the history rows older than `cutoff`; the ledger stays. */
export async function deleteHistoryBefore(storage: Storage, profileId: string, cutoff: Date): Promise<number> {
  const filter = odata`PartitionKey eq ${partition(profileId)} and RowKey gt ${newestFirstKey(cutoff, "~")} and RowKey lt ${ledgerKey}`;
  return deleteWhere(await storage.table("notifications"), filter);
}

/** The last `n` send attempts recorded for the profile, newest first. */
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
    kind: isKind(e.kind) ? e.kind : ("alert" as const),
    subject: s(e.subject),
    recipient: s(e.recipient),
    claimId: s(e.claimId),
    figures: { processed: n(e.processed), failed: n(e.failed), succeeded: n(e.succeeded), failurePercent: n(e.failurePercent) },
    window: { from: s(e.windowFrom), to: s(e.windowTo) },
  };
  if (e.outcome === "sent") return { ...base, outcome: "sent", messageId: s(e.messageId) };
  // Rows written before refusals were recorded said "unknown" with an `error`.
  return { ...base, outcome: e.outcome === "refused" ? "refused" : "uncertain", reason: s(e.reason ?? e.error) };
}
