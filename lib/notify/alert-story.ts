import { emailKinds, type EmailKind, type StoryState } from "../model/notification.js";
import type { WindowFigures } from "../model/summary.js";
import { shouldNotify } from "../cycle/window.js";
import { quietPeriodMs } from "../store/notifications.js";
import { findingsSince, joinFindings, splitFindings, type ReadinessFindings } from "./readiness-findings.js";

/**
 * Which email a profile's owner gets now, as one pure decision over the profile's story.
 *
 * - `alert`: the last 60 minutes crossed > 50% failed and no alert is open;
 * - `reminder`: an alert is open, the profile is still > 50%, and the last email is ≥ 60 minutes old;
 * - `recovered`: an alert is open and the last 60 minutes are back to ≤ 50% (with checks in them): once,
 *   closing the alert;
 * - `stale`: the profile's last completed cycle is too old, once per stale episode;
 * - `readiness`: no alert open, nothing else to say, and something synchronization's app needs before EWS stops in
 *   Exchange Online is missing (lib/notify/readiness-findings.ts): when a finding appears, then weekly while any
 *   lasts. A part that could not be checked this time keeps what was told of it; findings that go away are forgotten
 *   without an email. An alert, reminder or recovery carries the findings too, and counts as telling them.
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
  /** What synchronization's app lacks for the EWS shutdown (readinessFindings); absent when not known to be its app. */
  readiness?: ReadinessFindings | undefined;
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

function nextEmail(input: StoryInput, state: StoryState, findings: readonly string[]): EmailKind | QuietReason {
  if (input.stale) return state.staleNotified ? "stale-notified" : "stale";
  const quiet = input.figures.processed === 0 ? "no-checks" : undefined;
  if (quiet === undefined && shouldNotify(input.figures)) return state.alertOpen ? "reminder" : "alert";
  if (quiet === undefined && state.alertOpen) return "recovered";
  return !state.alertOpen && readinessDue(findings, state, input.now) ? "readiness" : (quiet ?? "below-threshold");
}

function readinessDue(findings: readonly string[], { readinessTold }: StoryState, now: Date): boolean {
  if (findings.length === 0) return false;
  if (readinessTold === undefined || now.getTime() - Date.parse(readinessTold.at) >= readinessEveryMs) return true;
  const told = splitFindings(readinessTold.findings);
  return findings.some((f) => !told.includes(f));
}

/** What was told (`before`: its findings), as this check leaves it: forgotten once nothing is missing, narrowed (its time kept) as findings go away. */
function toldAfter(told: StoryState["readinessTold"], before: readonly string[], findings: readonly string[]): StoryState["readinessTold"] {
  if (told === undefined || findings.length === 0) return undefined;
  return findings.every((f) => before.includes(f)) ? { findings: joinFindings(findings), at: told.at } : told;
}

const isEmail = (value: EmailKind | QuietReason): value is EmailKind => (emailKinds as readonly string[]).includes(value);

export function decideEmail(input: StoryInput): StoryDecision {
  const { now } = input;
  // A stale episode ends when the profile is no longer stale, whatever else happens; findings no longer there are
  // forgotten, so that they are told again should they come back.
  const { readinessTold, ...rest } = input.stale ? input.state : { ...input.state, staleNotified: false };
  // What stands (a part not checked keeps what was told of it) narrows what was told; only what this check found
  // itself is shown, and so only that can be new, be told again weekly, or count as told.
  const before = splitFindings(readinessTold?.findings);
  const since = input.readiness === undefined ? { items: [], known: [] } : findingsSince(input.readiness, before);
  const findings = since.known;
  const keptTold = toldAfter(readinessTold, before, since.items);
  const state: StoryState = keptTold === undefined ? rest : { ...rest, readinessTold: keptTold };
  if (input.inMaintenance) return { kind: "none", reason: "maintenance", after: state };

  const next = nextEmail(input, state, findings);
  if (!isEmail(next)) return { kind: "none", reason: next, after: state };

  const last = state.lastEmail === undefined ? undefined : Date.parse(state.lastEmail.at);
  if (last !== undefined && Number.isFinite(last) && now.getTime() - last < quietPeriodMs) {
    return { kind: "none", reason: "within-quiet-period", after: state, due: next, dueAt: new Date(last + quietPeriodMs).toISOString() };
  }
  const lastEmail = { kind: next, at: now.toISOString() };
  // Told now: what this check found, and what was told before of a part it could not check (no news when checked again).
  const told = findings.length === 0 ? {} : { readinessTold: { findings: joinFindings(since.items), at: now.toISOString() } };
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
