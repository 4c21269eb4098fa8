import type { ChannelStatus, TestAddressSource, TestConnectionReport } from "../lib/model/connection.js";
import type { Failure } from "../lib/model/failure.js";
import { ewsFixText, speaksForText } from "../lib/graph/readiness.js";
import type { Readiness } from "../lib/model/readiness.js";

const mark = { true: "PASS", false: "FAIL", null: "SKIP" } as const;

/** Why Test Connection opened that mailbox: the verdict can change with it. */
const addressFrom: Record<TestAddressSource, string> = {
  requested: "the first --mailbox given",
  "first-approved-mailbox": "the profile's first approved mailbox (give --mailbox to test another)",
  "first-mailbox": "the profile's first mailbox, none being approved (give --mailbox to test another)",
  "service-account": "the service account's own mailbox, the profile listing none (give --mailbox to test another)",
};

/** The human-readable form of a Test Connection report: a line per step with its elapsed time. */
export function renderReport(report: TestConnectionReport, name: string): string {
  const lines: string[] = [`Test Connection: ${report.profile} (${name})`, ""];
  for (const step of report.steps) {
    if (step.ok === true && step.skipped) {
      lines.push(`  SKIP  ${step.step.padEnd(13)}${"off".padStart(9)}  the profile turns Autodiscover off; configured EWS URL ${step.url ?? "(none)"} answered over HTTPS in ${step.elapsedMs} ms`);
      continue;
    }
    const time = step.ok === null ? "not run" : `${step.elapsedMs} ms`;
    const url = "url" in step && step.url ? `  ${step.url}` : "";
    lines.push(`  ${mark[String(step.ok) as keyof typeof mark]}  ${step.step.padEnd(13)}${time.padStart(9)}${url}`);
    if (step.ok !== null && step.step === "mailbox" && step.address !== undefined) lines.push(`        opened ${step.address}, ${addressFrom[step.addressFrom ?? "requested"]}`);
    if (step.ok === false && step.step === "autodiscover" && step.address !== undefined) lines.push(`        looked up ${step.address}, ${addressFrom[step.addressFrom ?? "requested"]}`);
    if (step.ok === false) lines.push(...describe(step.error, "        "));
  }
  if (report.mailboxes.length > 0) {
    lines.push("", "Mailboxes");
    for (const m of report.mailboxes) {
      const c = m.channels;
      lines.push(`  ${m.ok ? "PASS" : "FAIL"}  ${m.address}  incoming ${word(c.incoming)}, outgoing ${word(c.outgoing)}, appointments/contacts/tasks ${word(c.appointmentsContactsTasks)}  (${m.elapsedMs} ms)`);
      if (!m.ok) lines.push(...describe(m.error, "        "));
      for (const note of m.notes ?? []) lines.push(`        Note: ${note}`);
    }
  }
  if (report.readiness !== undefined) lines.push("", ...renderReadiness(report.readiness));
  if (report.certificates.length > 0) {
    lines.push("", "Certificates");
    for (const c of [...report.certificates].sort((a, b) => a.host.localeCompare(b.host))) {
      const trust = c.trusted ? "trusted" : `NOT trusted${c.reason ? ` (${c.reason})` : ""}`;
      lines.push(`  ${c.host}: ${trust}, ${c.namesMatch ? "names match" : "NAME MISMATCH"}, ${c.daysLeft} days left`);
    }
  }
  if (report.server) lines.push("", `Server: ${report.server.product} (${report.server.build})`);
  lines.push("", `Result: ${report.ok ? "PASSED" : "FAILED"} in ${report.elapsedMs} ms`);
  return lines.join("\n");
}

function describe(error: Failure, indent: string): string[] {
  const transient = error.transient ? "transient, will be retried" : "permanent";
  return [`${indent}${error.category} (${error.code}, ${transient}): ${error.message}`, `${indent}What to do: ${error.remediation}`];
}

function word(status: ChannelStatus): string {
  return status === "not-run" ? "not run" : status;
}

const ewsWords: Record<Readiness["ews"], string> = {
  allowed: "allowed: EWS answers the app (until the shutdown)",
  "blocked-by-policy": "BLOCKED BY POLICY: the app is not on the tenant's EWS app-ID allow list (EwsAllowedAppIDs), or a User-Agent policy refuses it",
  disabled: "DISABLED: EWS is switched off for this user or tenant (EWSEnabled False)",
  "not-checked": "not checked",
};

/** Readiness for the EWS shutdown: what EWS says to the app, which Graph permissions it lacks, and whose app this is. */
export function renderReadiness(r: Readiness): string[] {
  const lines = [`Readiness for the EWS shutdown in Exchange Online on ${r.ewsShutdown} (${r.ewsDaysLeft} days left)`];
  lines.push(`  EWS:               ${ewsWords[r.ews]}${r.ewsReason ? ` — ${r.ewsReason}` : ""}`);
  const fix = ewsFixText(r);
  if (fix !== undefined) lines.push(`                     ${fix}`);
  const p = r.graphPermissions;
  if (p.status === "not-checked") lines.push(`  Graph permissions: not checked — ${p.reason}`);
  else {
    lines.push(`  Graph permissions: ${p.missing.length === 0 ? "every permission server-side synchronization needs is granted" : `MISSING ${p.missing.join(", ")}`}`);
    if (p.missing.length > 0) {
      lines.push("                     not in the app's token: grant them to the app registration (API permissions > Microsoft Graph > Application) with admin consent");
      lines.push("                     (permissions given only through Exchange RBAC for Applications are not in the token, so they show as missing here)");
    }
  }
  lines.push(`  Speaks for:        ${speaksForText(r.speaksFor)}`);
  return lines;
}
