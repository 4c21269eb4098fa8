import { randomUUID } from "node:crypto";
import type { WindowFigures } from "../model/summary.js";
import { readLastHour } from "../cycle/roll-up.js";
import { failingMailboxes, shouldNotify } from "../cycle/window.js";
import { claim, confirmSent, keepUnknown, release, type EmailDetails } from "../store/notifications.js";
import { listProfiles, type ProfileSettings } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { readSummary, mergeSummary } from "../store/summaries.js";
import { settleInParallel } from "../util/in-parallel.js";
import { renderAlertEmail } from "./email.js";
import type { Mailer } from "./mailer.js";

export interface NotifierDeps {
  storage: Storage;
  mailer: Mailer;
  now: () => Date;
  statusBaseUrl?: string;
  /** Identifies this run's claim in the ledger and the history (tests may fix it). */
  newClaimId?: () => string;
}

type Of<K extends string, T = object> = { profileId: string; kind: K } & T;

/** What happened to one profile in one run, for the log and the tests. */
export type ProfileNotifyResult =
  | Of<"below-threshold", { figures: WindowFigures }>
  | Of<"recently-sent", { lastAt: string; by: "email" | "claim" }>
  | Of<"lost-race">
  | Of<"sent", { recipient: string; messageId: string; figures: WindowFigures; ledger: "recorded" | "ledger-changed" }>
  | Of<"send-failed", { error: string; released: boolean }>
  | Of<"outcome-unknown", { error: string }>
  | Of<"error", { error: string }>;

/** Profiles evaluated at once; each costs a few table requests and at most one SMTP session. */
const concurrency = 8;

/**
 * One notifier run: every profile with notifyOwner is evaluated over the last 60 minutes; one that
 * qualifies (> 50% failed) and had no email or claim in the last 60 minutes gets exactly one email,
 * to its owner only. One profile's error never stops the others.
 */
export async function runNotifier(deps: NotifierDeps): Promise<ProfileNotifyResult[]> {
  const now = deps.now();
  const profiles = (await listProfiles(deps.storage)).map((p) => p.profile).filter((p) => p.notifyOwner);
  const settled = await settleInParallel(profiles, concurrency, (profile) => notifyProfile(deps, profile, now));
  return settled.map((s, i): ProfileNotifyResult =>
    s.ok ? s.value : { profileId: profiles[i]!.id, kind: "error", error: s.error instanceof Error ? s.error.message : String(s.error) },
  );
}

/** Evaluate, render, then claim → send → confirm / release / keep. Everything that can fail without sending happens before the claim. */
export async function notifyProfile(deps: NotifierDeps, profile: ProfileSettings, now: Date): Promise<ProfileNotifyResult> {
  const { storage } = deps;
  const profileId = profile.id;
  const { from, checks, figures } = await readLastHour(storage, profileId, now);
  if (!shouldNotify(figures)) return { profileId, kind: "below-threshold", figures };

  const summary = await readSummary(storage, profileId);
  const email = renderAlertEmail({
    profile: { id: profileId, name: profile.name, owner: profile.owner },
    figures,
    from,
    to: now,
    failing: failingMailboxes(checks, from, now),
    ...(summary?.lastTestConnection === undefined ? {} : { lastTestConnection: summary.lastTestConnection }),
    ...(deps.statusBaseUrl === undefined ? {} : { statusBaseUrl: deps.statusBaseUrl }),
  });
  const details: EmailDetails = { at: now, subject: email.subject, recipient: profile.owner, figures, window: { from, to: now } };

  const claimed = await claim(storage, profileId, now, (deps.newClaimId ?? randomUUID)());
  if (claimed.kind === "recently-sent") return { profileId, kind: "recently-sent", lastAt: claimed.lastAt, by: claimed.by };
  if (claimed.kind === "lost-race") return { profileId, kind: "lost-race" };

  const outcome = await deps.mailer.send({ to: profile.owner, ...email }).catch((error: unknown) => ({
    kind: "outcome-unknown" as const,
    error: error instanceof Error ? error.message : String(error),
  }));
  switch (outcome.kind) {
    case "sent": {
      const recorded = await confirmSent(storage, profileId, claimed, { ...details, at: deps.now(), messageId: outcome.messageId });
      if (recorded.kind === "recorded") {
        await mergeSummary(storage, profileId, { lastEmailAt: recorded.ledger.lastSentAt!, emailsSent: recorded.ledger.emailsSent });
      }
      return { profileId, kind: "sent", recipient: profile.owner, messageId: outcome.messageId, figures, ledger: recorded.kind };
    }
    case "rejected-before-accept": {
      const released = await release(storage, profileId, claimed);
      return { profileId, kind: "send-failed", error: outcome.error, released: released.kind === "recorded" };
    }
    case "outcome-unknown":
      await keepUnknown(storage, profileId, claimed, { ...details, error: outcome.error });
      return { profileId, kind: "outcome-unknown", error: outcome.error };
  }
}
