import type { StepResult } from "../model/connection.js";
import type { Failure, FailureCategory } from "../model/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { AgreementKind } from "../model/dynamics.js";
import type { EmailKind } from "../model/notification.js";
import type { ProfileSummary, TestConnectionSummary, WindowFigures } from "../model/summary.js";
import type { FailingMailbox } from "../cycle/window.js";
import { inlineText, type Inline } from "./email-inline.js";
import { findingsText, readinessFindings } from "./readiness-findings.js";

/**
 * The last hour's profile-level failure (helper D's `ProfileFailure`, lib/model/summary.ts): Test Connection failed,
 * so every approved mailbox of the profile counted failed for that cycle.
 */
export interface ProfileLevelFailure {
  at: string;
  step: StepResult["step"];
  failure: Failure;
  /** "setup": the monitor could not start the probe (its own fault); "exchange": Exchange answered with the failure. */
  origin: "setup" | "exchange";
  mailboxes: number;
}

/** Everything an owner email says, before it is rendered as text or HTML. */
export interface EmailInput {
  kind: EmailKind;
  /** `serviceAccount`: the account the monitor signs in as, named in remediation commands. */
  profile: { id: string; name: string; owner: string; serviceAccount?: string };
  figures: WindowFigures;
  from: Date;
  to: Date;
  failing: FailingMailbox[];
  /** The profile's mailboxes as stored now (their state: retrying, disabled, next try). */
  mailboxes?: readonly MailboxRecord[];
  /** Dynamics 365's verdict on each mailbox beside the probe's (profiles from Dataverse). */
  dynamicsMailboxes?: readonly { address: string; agreement: AgreementKind; explanation: string; reason?: string }[];
  /** The last email before this one. */
  previous?: { kind: EmailKind; at: string };
  /** The last hour's profile-level failure, when Test Connection failed for the whole profile. */
  profileFailure?: ProfileLevelFailure;
  /** Test Connection, readiness and Dynamics' verdict come from here. */
  summary?: Pick<ProfileSummary, "lastTestConnection" | "readiness" | "dynamics">;
  /** For `stale`: the last completed cycle. */
  lastCycleAt?: string;
  /** STATUS_BASE_URL without a trailing slash; links are left out when absent. */
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

/** "2025-03-04 09:50 UTC": a time for people (the ISO time stays in links and data). */
export function timeLabel(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : iso;
}

/** "2 h 10 min", "45 min", "3 d 4 h". */
export function durationLabel(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 === 0 ? "" : ` ${minutes % 60} min`}`;
  return `${Math.floor(hours / 24)} d${hours % 24 === 0 ? "" : ` ${hours % 24} h`}`;
}

/** One line, no control characters: a header must not be able to start another header. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

/**
 * The step of the last Test Connection that failed for the whole profile (reaching Exchange, signing in, a token),
 * when one did: the root cause of every mailbox's failure. The mailbox step tests one mailbox; its failure is that
 * mailbox's, not the profile's.
 */
export function failedStep(summary: TestConnectionSummary | undefined): Extract<StepResult, { ok: false }> | undefined {
  if (summary === undefined || summary.ok) return undefined;
  const failed = summary.steps.find((s): s is Extract<StepResult, { ok: false }> => s.ok === false);
  return failed === undefined || failed.step === "mailbox" ? undefined : failed;
}

/** The root cause an email leads with: the cycle's profile-level failure, else a failed profile-level Test Connection step. */
export function rootCauseOf(input: Pick<EmailInput, "profileFailure" | "summary">): ProfileLevelFailure | undefined {
  if (input.profileFailure !== undefined) return input.profileFailure;
  const step = failedStep(input.summary?.lastTestConnection);
  if (step === undefined) return undefined;
  return { at: input.summary!.lastTestConnection!.at, step: step.step, failure: step.error, origin: "exchange", mailboxes: 0 };
}

export function emailSubject(input: EmailInput): string {
  const { processed, failed } = input.figures;
  const figures = `${percentLabel(failed, processed)} of mailboxes failed (${failed} of ${processed}) ${windowLabel(input.from, input.to)}`;
  const root = rootCauseOf(input);
  const cause = root === undefined ? "" : `Test Connection failed (${root.failure.category}), `;
  const name = input.profile.name;
  switch (input.kind) {
    case "alert":
      return oneLine(`[exchange-sync-monitor] ${name}: ${cause}${figures}`);
    case "reminder":
      return oneLine(`[exchange-sync-monitor] Still failing: ${name}: ${cause}${figures}`);
    case "recovered":
      return oneLine(`[exchange-sync-monitor] Recovered: ${name}: ${figures}`);
    case "stale":
      return oneLine(`[exchange-sync-monitor] Stale: ${name}: no completed probe cycle since ${input.lastCycleAt === undefined ? "it was added" : timeLabel(input.lastCycleAt)}`);
    case "readiness": {
      const r = input.summary?.readiness;
      const days = r === undefined ? "" : ` (EWS in Exchange Online stops on ${r.ewsShutdown}, in ${r.ewsDaysLeft} days)`;
      return oneLine(`[exchange-sync-monitor] Not ready for the EWS shutdown: ${name}: ${findingsText(readinessFindings(r)) ?? "nothing missing"}${days}`);
    }
  }
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
    return { step: s.step, state: "failed", elapsedMs: s.elapsedMs, detail: `${s.error.category} (${s.error.code}): ${sentence(s.error.message)}` };
  });
}

/** Ends a message with a full stop when it has no closing punctuation of its own. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === "" || /[.!?]["')\]]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The remediation with the real service account in place of the placeholder, commands marked as code. */
export function remediationInline(remediation: string, serviceAccount: string | undefined): Inline[] {
  const named = serviceAccount === undefined ? remediation : remediation.replaceAll("<service account>", serviceAccount);
  return inlineText(sentence(named));
}

/** The dashboard page of the profile (the reader adds their function key; emails never carry one). */
export function dashboardUrl(input: Pick<EmailInput, "statusBaseUrl" | "profile">): string | undefined {
  return input.statusBaseUrl === undefined ? undefined : `${input.statusBaseUrl}/api/dashboard/${encodeURIComponent(input.profile.id)}`;
}

export function testAndEnableUrl(input: Pick<EmailInput, "statusBaseUrl" | "profile">): string {
  return `${input.statusBaseUrl ?? "https://<function app>"}/api/profiles/${encodeURIComponent(input.profile.id)}/mailboxes/test-and-enable`;
}
