import type { AlertRecord } from "../model/alert.js";
import type { TestConnectionReport } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { ConnectionRun, ProbeKind } from "../probes/kind.js";
import { recordAlerts } from "../store/alerts.js";
import { recordTestConnection } from "../store/connection.js";
import type { Storage } from "../store/storage.js";
import { compactSteps, mergeSummary } from "../store/summaries.js";

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
 */
export async function recordCycleConnectionRun(
  storage: Storage,
  profile: { id: string; name: string },
  report: TestConnectionReport,
  at: string,
  previousOk: boolean | undefined,
): Promise<void> {
  await recordConnectionRun(storage, report, new Date(at));
  const summary: Parameters<typeof mergeSummary>[2] = {
    lastTestConnection: { at, ok: report.ok, elapsedMs: report.elapsedMs, steps: compactSteps(report.steps) },
    certificates: report.certificates,
  };
  if (report.server !== undefined) summary.server = report.server;
  await mergeSummary(storage, profile.id, summary);
  if (previousOk !== undefined && previousOk !== report.ok) await recordAlerts(storage, [transitionAlert(profile, report, at)]);
}

function transitionAlert(profile: { id: string; name: string }, report: TestConnectionReport, at: string): AlertRecord {
  const failedStep = report.steps.find((s) => s.ok === false);
  const failure = failedStep && failedStep.ok === false ? failedStep.error : undefined;
  const alert: AlertRecord = {
    profileId: profile.id,
    at,
    kind: report.ok ? "test-connection-recovered" : "test-connection-failed",
    audience: "owner",
    message: report.ok
      ? `Test Connection of ${profile.name} passes again.`
      : `Test Connection of ${profile.name} fails at the ${failedStep?.step ?? "first"} step: ${failure?.message ?? ""} ${failure?.remediation ?? ""}`.trim(),
  };
  if (failure !== undefined) alert.failure = failure;
  return alert;
}
