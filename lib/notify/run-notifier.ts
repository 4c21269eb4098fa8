import { randomUUID } from "node:crypto";
import { overlapsMaintenance } from "../maintenance/in-force.js";
import type { EmailKind, EmailOutcome, StoryState } from "../model/notification.js";
import type { ProfileSummary, WindowFigures } from "../model/summary.js";
import { readLastHour } from "../cycle/roll-up.js";
import { failingMailboxes } from "../cycle/window.js";
import { readDynamicsView } from "../store/dynamics.js";
import { listMailboxes } from "../store/mailboxes.js";
import {
  claim,
  confirmSent,
  keepUncertain,
  ledgerOf,
  readLedgerForUpdate,
  recordStory,
  release,
  type EmailDetails,
  type LedgerUpdate,
} from "../store/notifications.js";
import { listProfiles, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { readSummary, mergeSummary, type SummaryFields } from "../store/summaries.js";
import { settleInParallel } from "../util/in-parallel.js";
import { decideEmail, type QuietReason } from "./alert-story.js";
import { readinessFindings } from "./readiness-findings.js";
import { freshReadiness } from "../graph/readiness.js";
import { renderEmail } from "./email.js";
import type { Mailer, SendOutcome } from "./mailer.js";
import { healthAt, staleRuleOf } from "../cycle/health.js";

export interface NotifierDeps {
  storage: Storage;
  mailer: Mailer;
  /** Read at each step that has a time of its own (the decision, the claim, the end of the send). */
  now: () => Date;
  statusBaseUrl?: string;
  /** The schedule's period (SCHEDULE_CRON), for telling a stale profile. */
  scheduleEveryMs?: number;
  /** Identifies this run's claim in the ledger and the history (tests may fix it). */
  newClaimId?: () => string;
}

type Of<K extends string, T = object> = { profileId: string; kind: K } & T;

/** What happened to one profile in one run, for the log and the tests. */
export type ProfileNotifyResult =
  | Of<"quiet", { reason: Exclude<QuietReason, "within-quiet-period">; figures: WindowFigures }>
  /** An email is due (`due`), or was decided, but one went out or was claimed less than 60 minutes ago. */
  | Of<"recently-sent", { lastAt: string; by: "email" | "claim"; due: EmailKind }>
  | Of<"lost-race", { email: EmailKind }>
  | Of<"sent", { email: EmailKind; recipient: string; messageId: string; figures: WindowFigures; ledger: LedgerUpdate["kind"] }>
  | Of<"send-failed", { email: EmailKind; error: string }>
  | Of<"outcome-unknown", { email: EmailKind; error: string }>
  | Of<"error", { error: string }>;

/** Profiles evaluated at once; each costs a few table requests and at most one SMTP session. */
const concurrency = 8;

/**
 * One notifier run: every profile with notifyOwner gets what its story calls for (lib/notify/alert-story.ts):
 * an alert, an hourly reminder, one recovery, one stale notice, a readiness notice, or nothing, never two emails inside 60
 * minutes and nothing during maintenance, to its owner only. One profile's error never stops the others.
 */
export async function runNotifier(deps: NotifierDeps): Promise<ProfileNotifyResult[]> {
  const profiles = (await listProfiles(deps.storage)).filter((p) => p.profile.notifyOwner);
  const settled = await settleInParallel(profiles, concurrency, (stored) => notifyProfile(deps, stored));
  return settled.map((s, i): ProfileNotifyResult =>
    s.ok ? s.value : { profileId: profiles[i]!.profile.id, kind: "error", error: s.error instanceof Error ? s.error.message : String(s.error) },
  );
}

const sameStory = (a: StoryState, b: StoryState): boolean =>
  a.alertOpen === b.alertOpen &&
  a.staleNotified === b.staleNotified &&
  a.lastEmail?.kind === b.lastEmail?.kind &&
  a.lastEmail?.at === b.lastEmail?.at &&
  a.readinessTold?.findings === b.readinessTold?.findings &&
  a.readinessTold?.at === b.readinessTold?.at;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Decide on the ledger as read, render, then claim (conditional on that read) → send → record what became of it. */
export async function notifyProfile(deps: NotifierDeps, stored: StoredProfile): Promise<ProfileNotifyResult> {
  const { storage } = deps;
  const { profile } = stored;
  const profileId = profile.id;
  const now = deps.now();
  const [lastHour, summary, basis] = await Promise.all([readLastHour(storage, profileId, now), readSummary(storage, profileId), readLedgerForUpdate(storage, profileId)]);
  const { from, checks, figures } = lastHour;
  // The status's own reading (lib/cycle/health.ts): a Dataverse profile without credentials is never probed, never stale.
  const reading = summary === undefined ? undefined : healthAt(summary, now, staleRuleOf(stored, deps.scheduleEveryMs));
  const stale = { stale: reading?.health === "stale", lastCycleAt: reading?.lastCycleAt ?? undefined };
  const story = ledgerOf(basis).story;
  // Readiness as of now, while the daily check keeps it current; only that which speaks for synchronization's own app
  // says whether synchronization is ready.
  const current = freshReadiness(summary?.readiness, now);
  const shown = summary === undefined ? undefined : withReadiness(summary, current);
  const readiness = current?.speaksFor.kind === "sync-app" ? readinessFindings(current) : undefined;
  const decision = decideEmail({ figures, inMaintenance: overlapsMaintenance(profile.maintenance ?? [], from, now), stale: stale.stale, state: story, now, readiness });

  if (decision.kind === "none") {
    if (!sameStory(decision.after, story)) await recordStory(storage, profileId, basis, decision.after);
    if (decision.reason === "within-quiet-period") return { profileId, kind: "recently-sent", lastAt: story.lastEmail!.at, by: "email", due: decision.due! };
    return { profileId, kind: "quiet", reason: decision.reason, figures };
  }

  const kind = decision.email;
  const aboutMailboxes = kind !== "stale" && kind !== "readiness";
  const mailboxes = aboutMailboxes ? await listMailboxes(storage, profileId) : [];
  const dynamics = summary?.dynamics === undefined || !aboutMailboxes ? undefined : await readDynamicsView(storage, summary, mailboxes, now);
  const email = renderEmail({
    kind,
    profile: { id: profileId, name: profile.name, owner: profile.owner, ...serviceAccountOf(profile) },
    figures,
    from,
    to: now,
    failing: failingMailboxes(checks, from, now),
    mailboxes,
    ...(dynamics === undefined ? {} : { dynamicsMailboxes: dynamics.mailboxes }),
    ...(lastHour.profileFailure === undefined ? {} : { profileFailure: lastHour.profileFailure }),
    ...(story.lastEmail === undefined ? {} : { previous: story.lastEmail }),
    ...(shown === undefined ? {} : { summary: shown }),
    ...(stale.lastCycleAt === undefined ? {} : { lastCycleAt: stale.lastCycleAt }),
    ...(deps.statusBaseUrl === undefined ? {} : { statusBaseUrl: deps.statusBaseUrl }),
  });

  const claimed = await claim(storage, profileId, deps.now(), (deps.newClaimId ?? randomUUID)(), basis);
  if (claimed.kind === "recently-sent") return { profileId, kind: "recently-sent", lastAt: claimed.lastAt, by: claimed.by, due: kind };
  if (claimed.kind === "lost-race") return { profileId, kind: "lost-race", email: kind };

  const outcome: SendOutcome = await deps.mailer.send({ to: profile.owner, ...email }).catch((error: unknown) => ({ kind: "outcome-unknown" as const, error: messageOf(error) }));
  // The email's time is the end of the SMTP exchange: the latest moment the server can have taken it.
  const details: EmailDetails = { at: deps.now(), kind, subject: email.subject, recipient: profile.owner, figures, window: { from, to: now } };
  switch (outcome.kind) {
    case "sent": {
      const recorded = await confirmSent(storage, profileId, claimed, { ...details, messageId: outcome.messageId, story: decision.after });
      await reflect(storage, profileId, recorded, details, "sent");
      return { profileId, kind: "sent", email: kind, recipient: profile.owner, messageId: outcome.messageId, figures, ledger: recorded.kind };
    }
    case "rejected-before-accept": {
      const recorded = await release(storage, profileId, claimed, { ...details, reason: outcome.error });
      await reflect(storage, profileId, recorded, details, "refused", outcome.error);
      return { profileId, kind: "send-failed", email: kind, error: outcome.error };
    }
    case "outcome-unknown": {
      const recorded = await keepUncertain(storage, profileId, claimed, { ...details, reason: outcome.error, story: decision.after });
      await reflect(storage, profileId, recorded, details, "uncertain", outcome.error);
      return { profileId, kind: "outcome-unknown", email: kind, error: outcome.error };
    }
  }
}

/** The summary with its readiness as of now, or without one that no longer speaks for the profile. */
function withReadiness(summary: ProfileSummary, readiness: ProfileSummary["readiness"]): ProfileSummary {
  const { readiness: _stored, ...rest } = summary;
  return readiness === undefined ? rest : { ...rest, readiness };
}

/** The summary shows the last attempt and the counts (exact in the ledger, copied here for status and metrics). */
async function reflect(storage: Storage, profileId: string, recorded: LedgerUpdate, details: EmailDetails, outcome: EmailOutcome, reason?: string): Promise<void> {
  if (recorded.kind === "recorded") {
    const { ledger } = recorded;
    const fields: Partial<SummaryFields> = { emailsSent: ledger.emailsSent, emailOutcomes: ledger.outcomes };
    if (ledger.lastAttempt !== undefined) fields.lastEmail = ledger.lastAttempt;
    if (ledger.lastSentAt !== undefined) fields.lastEmailAt = ledger.lastSentAt;
    await mergeSummary(storage, profileId, fields);
    return;
  }
  // Another run changed the ledger meanwhile: the attempt is still the latest this run knows of.
  await mergeSummary(storage, profileId, { lastEmail: { at: details.at.toISOString(), kind: details.kind, outcome, ...(reason === undefined ? {} : { reason: reason.slice(0, 1000) }) } });
}

/** The account the monitor signs in as, for remediation commands. */
function serviceAccountOf(profile: StoredProfile["profile"]): { serviceAccount?: string } {
  const auth = profile.auth as { username?: unknown };
  return typeof auth.username === "string" ? { serviceAccount: auth.username } : {};
}
