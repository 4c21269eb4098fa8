import type { StepResult } from "../model/connection.js";
import type { FailureCategory } from "../model/failure.js";
import type { TestConnectionSummary, WindowFigures } from "../model/summary.js";
import type { FailingMailbox } from "../cycle/window.js";

/** Everything the alert email says, before it is rendered as text or HTML. */
export interface AlertEmailInput {
  profile: { id: string; name: string; owner: string };
  figures: WindowFigures;
  from: Date;
  to: Date;
  failing: FailingMailbox[];
  lastTestConnection?: TestConnectionSummary;
  /** STATUS_BASE_URL without a trailing slash; the status link is left out when absent. */
  statusBaseUrl?: string;
}

export interface DiagnosisGroup {
  category: FailureCategory | "unknown";
  count: number;
  remediation: string;
  example?: string;
}

export interface StepLine {
  step: StepResult["step"];
  state: "passed" | "failed" | "not run";
  elapsedMs: number;
  detail?: string;
}

/** The most mailboxes listed one by one; the rest are counted. */
export const listedMailboxes = 20;

/**
 * A percentage for people: rounded to a whole number, except where rounding would say "50%" or
 * "100%" of something that is above 50% or below 100% (one decimal then).
 */
export function percentLabel(failed: number, processed: number): string {
  if (processed === 0) return "0%";
  const exact = (failed * 100) / processed;
  const whole = Math.round(exact);
  if (whole !== exact && (whole === 50 || whole === 100)) return `${(Math.floor(exact * 10) / 10).toFixed(1)}%`;
  return `${whole}%`;
}

const hhmm = (d: Date): string => d.toISOString().slice(11, 16);

/** "09:05–10:05 UTC", with the date when the window starts on another day than it ends. */
export function windowLabel(from: Date, to: Date): string {
  const fromDay = from.toISOString().slice(0, 10);
  const toDay = to.toISOString().slice(0, 10);
  return fromDay === toDay ? `${hhmm(from)}–${hhmm(to)} UTC` : `${fromDay} ${hhmm(from)}–${toDay} ${hhmm(to)} UTC`;
}

/** One line, no control characters: a header must not be able to start another header. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

export function alertSubject(input: AlertEmailInput): string {
  const { processed, failed } = input.figures;
  return oneLine(
    `[exchange-sync-monitor] ${input.profile.name}: ${percentLabel(failed, processed)} of mailboxes failed (${failed} of ${processed}) ${windowLabel(input.from, input.to)}`,
  );
}

/** Failures grouped by diagnosis, largest group first, each with the remediation of its most recent failure. */
export function diagnosisGroups(failing: FailingMailbox[]): DiagnosisGroup[] {
  const groups = new Map<string, DiagnosisGroup>();
  for (const mailbox of failing) {
    const category = mailbox.lastError?.category ?? "unknown";
    const group = groups.get(category);
    if (group !== undefined) {
      group.count++;
      continue;
    }
    const created: DiagnosisGroup = {
      category,
      count: 1,
      remediation: mailbox.lastError?.remediation ?? "No error was recorded for these tries; look at the mailbox's alerts.",
    };
    if (mailbox.lastError !== undefined) created.example = mailbox.lastError.message;
    groups.set(category, created);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
}

export function stepLines(summary: TestConnectionSummary | undefined): StepLine[] {
  return (summary?.steps ?? []).map((s): StepLine => {
    if (s.ok === true) return { step: s.step, state: "passed", elapsedMs: s.elapsedMs };
    if (s.ok === null) return { step: s.step, state: "not run", elapsedMs: 0 };
    return { step: s.step, state: "failed", elapsedMs: s.elapsedMs, detail: `${s.error.category} (${s.error.code}): ${s.error.message}` };
  });
}

export function statusUrl(input: AlertEmailInput): string | undefined {
  return input.statusBaseUrl === undefined ? undefined : `${input.statusBaseUrl}/api/status/${encodeURIComponent(input.profile.id)}`;
}
