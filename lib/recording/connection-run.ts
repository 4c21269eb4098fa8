import type { AlertRecord } from "../model/alert.js";
import type { TestConnectionReport } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { ConnectionRun, ProbeKind } from "../probes/kind.js";
import { recordAlerts } from "../store/alerts.js";
import { recordTestConnection } from "../store/connection.js";
import type { Storage } from "../store/storage.js";
import { recordChecks } from "../store/checks.js";
import { listMailboxes } from "../store/mailboxes.js";
import { compactSteps, mergeSummary, type SummaryUpdate } from "../store/summaries.js";
import type { ProfileFailure } from "../model/summary.js";
import { profileFailureOf } from "./profile-failure.js";

/** The contract's report (`test-connection --json`, the HTTP endpoint, the `connection` table): nothing the kind keeps besides. */
export function publicReport(run: ConnectionRun): TestConnectionReport {
  const report: TestConnectionReport = {
    profile: run.profile,
    ok: run.ok,
    elapsedMs: run.elapsedMs,
    steps: run.steps,
    mailboxes: run.mailboxes,
    certificates: run.certificates,
  };
  if (run.server !== undefined) report.server = run.server;
  if (run.readiness !== undefined) report.readiness = run.readiness;
  return report;
}

/** The report when the kind could not be opened (its secret setting is missing): the first step failed, the others did not run. */
export function unopenedReport(kind: ProbeKind, profileId: string, failure: Failure): TestConnectionReport {
  const [first, ...rest] = kind.steps;
  return {
    profile: profileId,
    ok: false,
    elapsedMs: 0,
    steps: [{ step: first, ok: false, elapsedMs: 0, error: failure }, ...rest.map((step) => ({ step, ok: null, elapsedMs: 0 as const }))],
    mailboxes: [],
    certificates: [],
  };
}

/** An on-demand run: a row of the `connection` table. */
export async function recordConnectionRun(storage: Storage, report: TestConnectionReport, at: Date): Promise<void> {
  await recordTestConnection(storage, report.profile, report, at);
}

/**
 * The cycle's run: the `connection` row, the summary's last Test Connection, certificates and server, and an
 * owner alert when the outcome changed since the previous run (`previousOk`).
 * A run that failed for the profile as a whole (see profileFailureOf) counts every approved mailbox of the profile
 * as failed for the cycle: a failed check row each at the run's time, so the hour's figures, the >50% rule and the
 * owner's email see it; mailbox records are not touched (their own checks, if any ran, apply the policy).
 * `origin`: "setup" when the probe could not even start (the monitor's own fault), else "exchange".
 * Returns the summary fields; `summaryWrite` "by-the-caller" leaves writing them to the caller (a cycle of one shard
 * writes them with its roll-up: one summary write instead of two).
 */
export async function recordCycleConnectionRun(
  storage: Storage,
  profile: { id: string; name: string },
  report: TestConnectionReport,
  at: string,
  previousOk: boolean | undefined,
  origin: ProfileFailure["origin"] = "exchange",
  summaryWrite: "now" | "by-the-caller" = "now",
): Promise<SummaryUpdate> {
  let profileFailure = profileFailureOf(report, at, origin, 0);
  if (profileFailure !== undefined) {
    const approved = (await listMailboxes(storage, profile.id)).filter((m) => m.approved);
    const failure = profileFailure.failure;
    // Before the run's own record: a redelivery after a crash in between finds no run at the cycle's time and does both again.
    await recordChecks(storage, profile.id, approved.map((m) => ({ address: m.address, at: new Date(at), outcome: { ok: false, failure } })));
    profileFailure = { ...profileFailure, mailboxes: approved.length };
  }
  await recordConnectionRun(storage, report, new Date(at));
  const summary: SummaryUpdate = {
    lastTestConnection: { at, ok: report.ok, elapsedMs: report.elapsedMs, steps: compactSteps(report.steps) },
    certificates: report.certificates,
    profileFailure: profileFailure ?? null,
  };
  if (report.server !== undefined) summary.server = report.server;
  if (summaryWrite === "now") await mergeSummary(storage, profile.id, summary);
  if (previousOk !== undefined && previousOk !== report.ok) await recordAlerts(storage, [transitionAlert(profile, report, at)]);
  return summary;
}

function transitionAlert(profile: { id: string; name: string }, report: TestConnectionReport, at: string): AlertRecord {
  const failedStep = report.steps.find((s) => s.ok === false);
  const failure = failedStep && failedStep.ok === false ? failedStep.error : undefined;
  const alert: AlertRecord = {
    profileId: profile.id,
    at,
    kind: report.ok ? "test-connection-recovered" : "test-connection-failed",
    audiences: ["owner"],
    message: report.ok
      ? `Test Connection of ${profile.name} passes again.`
      : `Test Connection of ${profile.name} fails at the ${failedStep?.step ?? "first"} step: ${failure?.message ?? ""} ${failure?.remediation ?? ""}`.trim(),
  };
  if (failure !== undefined) alert.failure = failure;
  return alert;
}
