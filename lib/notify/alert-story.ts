import { emailKinds, type EmailKind, type StoryState } from "../model/notification.js";
import type { WindowFigures } from "../model/summary.js";
import { shouldNotify } from "../cycle/window.js";
import { quietPeriodMs } from "../store/notifications.js";

/**
 * Which email a profile's owner gets now, as one pure decision over the profile's story.
 *
 * - `alert`: the last 60 minutes crossed > 50% failed and no alert is open;
 * - `reminder`: an alert is open, the profile is still > 50%, and the last email is ≥ 60 minutes old;
 * - `recovered`: an alert is open and the last 60 minutes are back to ≤ 50% (with checks in them): once,
 *   closing the alert;
 * - `stale`: the profile's last completed cycle is too old, once per stale episode;
 * - `readiness`: nothing else to say, and something the profile needs before EWS stops in Exchange Online is missing
 *   (lib/notify/readiness-findings.ts): once when the findings change, then weekly while they last. An alert or
 *   reminder (or a recovery) carries the findings too, and counts as telling them.
 *
 * Never two emails inside 60 minutes, whatever their kinds: an email that falls due within 60 minutes of
 * the last one is not queued, it is decided afresh once the 60 minutes are over (a recovery that is due
 * 30 minutes after the alert waits; if the profile is failing again by then, the owner gets a reminder,
 * if it stayed below 50%, the recovery). During maintenance nothing is sent (the figures are the planned
 * work's); a stale profile gets no alert, reminder or recovery (its figures are old, and an empty hour is
 * not a recovery). An open alert stays open through maintenance and staleness.
 */

export { emailKinds, type EmailKind, type StoryState };

export const initialStory: StoryState = { alertOpen: false, staleNotified: false };

export interface StoryInput {
  /** The last 60 minutes' figures. */
  figures: Pick<WindowFigures, "processed" | "failed">;
  /** A maintenance window overlaps the last 60 minutes. */
  inMaintenance: boolean;
  stale: boolean;
  state: StoryState;
  now: Date;
  /** What is missing for the EWS shutdown (readinessFindings), if anything. */
  readiness?: string | undefined;
}

/** Findings the owner was told of are told again after this long while they last. */
export const readinessEveryMs = 7 * 24 * 60 * 60_000;

export type QuietReason =
  /** Nothing to say: no alert open and ≤ 50% failed. */
  | "below-threshold"
  /** No check in the last 60 minutes and not stale: nothing to judge by. */
  | "no-checks"
  /** Still failing, but the last email is younger than 60 minutes. */
  | "within-quiet-period"
  | "maintenance"
  /** Stale, and this episode's stale email already went out. */
  | "stale-notified";

export type StoryDecision =
  /** Send `email`; record `after` once the server accepted it or the outcome is unknown, keep the state when refused. */
  | { kind: "send"; email: EmailKind; after: StoryState }
  /**
   * Send nothing. `after` is the state to record (it differs from the input only when a stale episode
   * ended); `due` names the email held back by the quiet period and `dueAt` when it may go.
   */
  | { kind: "none"; reason: QuietReason; after: StoryState; due?: EmailKind; dueAt?: string };

function nextEmail(input: StoryInput, state: StoryState): EmailKind | QuietReason {
  if (input.stale) return state.staleNotified ? "stale-notified" : "stale";
  const quiet = input.figures.processed === 0 ? "no-checks" : undefined;
  if (quiet === undefined && shouldNotify(input.figures)) return state.alertOpen ? "reminder" : "alert";
  if (quiet === undefined && state.alertOpen) return "recovered";
  return readinessDue(input, state) ? "readiness" : (quiet ?? "below-threshold");
}

function readinessDue({ readiness, now }: StoryInput, { readinessTold }: StoryState): boolean {
  if (readiness === undefined) return false;
  return readinessTold === undefined || readinessTold.findings !== readiness || now.getTime() - Date.parse(readinessTold.at) >= readinessEveryMs;
}

const isEmail = (value: EmailKind | QuietReason): value is EmailKind => (emailKinds as readonly string[]).includes(value);

export function decideEmail(input: StoryInput): StoryDecision {
  const { now } = input;
  // A stale episode ends when the profile is no longer stale, whatever else happens; findings no longer there are
  // forgotten, so that they are told again should they come back.
  const { readinessTold, ...rest } = input.stale ? input.state : { ...input.state, staleNotified: false };
  const state: StoryState = readinessTold === undefined || input.readiness === undefined ? rest : { ...rest, readinessTold };
  if (input.inMaintenance) return { kind: "none", reason: "maintenance", after: state };

  const next = nextEmail(input, state);
  if (!isEmail(next)) return { kind: "none", reason: next, after: state };

  const last = state.lastEmail === undefined ? undefined : Date.parse(state.lastEmail.at);
  if (last !== undefined && Number.isFinite(last) && now.getTime() - last < quietPeriodMs) {
    return { kind: "none", reason: "within-quiet-period", after: state, due: next, dueAt: new Date(last + quietPeriodMs).toISOString() };
  }
  const lastEmail = { kind: next, at: now.toISOString() };
  const told = input.readiness === undefined ? {} : { readinessTold: { findings: input.readiness, at: now.toISOString() } };
  switch (next) {
    case "alert":
    case "reminder":
      return { kind: "send", email: next, after: { ...state, lastEmail, alertOpen: true, ...told } };
    case "recovered":
      return { kind: "send", email: next, after: { ...state, lastEmail, alertOpen: false, ...told } };
    case "stale":
      return { kind: "send", email: next, after: { ...state, lastEmail, staleNotified: true } };
    case "readiness":
      return { kind: "send", email: next, after: { ...state, lastEmail, ...told } };
  }
}
