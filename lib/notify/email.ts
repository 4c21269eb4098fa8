import {
  alertSubject,
  diagnosisGroups,
  listedMailboxes,
  percentLabel,
  statusUrl,
  stepLines,
  windowLabel,
  type AlertEmailInput,
} from "./email-content.js";
import { alertHtml } from "./email-html.js";

export type { AlertEmailInput } from "./email-content.js";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The owner's alert email: one subject, a plain-text part and an HTML part saying the same things. */
export function renderAlertEmail(input: AlertEmailInput): RenderedEmail {
  return { subject: alertSubject(input), text: alertText(input), html: alertHtml(input) };
}

function alertText(input: AlertEmailInput): string {
  const { processed, failed, succeeded } = input.figures;
  const lines: string[] = [
    `${input.profile.name} (${input.profile.id})`,
    `${percentLabel(failed, processed)} of the mailboxes processed in the last hour failed, ${windowLabel(input.from, input.to)}.`,
    "",
    `Processed: ${processed}`,
    `Failed:    ${failed}`,
    `Succeeded: ${succeeded}`,
    `Window:    ${input.from.toISOString()} to ${input.to.toISOString()}`,
    "",
    "Failures by diagnosis",
  ];
  for (const group of diagnosisGroups(input.failing)) {
    lines.push(`- ${group.category}: ${group.count} mailbox${group.count === 1 ? "" : "es"}`);
    if (group.example !== undefined) lines.push(`  Example: ${group.example}`);
    lines.push(`  What to do: ${group.remediation}`);
  }
  lines.push("", "Failing mailboxes");
  for (const mailbox of input.failing.slice(0, listedMailboxes)) {
    const why = mailbox.lastError === undefined ? "no error recorded" : `${mailbox.lastError.category}: ${mailbox.lastError.message}`;
    lines.push(`- ${mailbox.address} (last failure ${mailbox.lastFailureAt}): ${why}`);
  }
  const more = input.failing.length - listedMailboxes;
  if (more > 0) lines.push(`  and ${more} more`);
  lines.push("", "Last Test Connection");
  const steps = stepLines(input.lastTestConnection);
  if (input.lastTestConnection === undefined) lines.push("- has not run yet");
  else lines.push(`- ${input.lastTestConnection.ok ? "passed" : "failed"} at ${input.lastTestConnection.at}`);
  for (const step of steps) {
    lines.push(`- ${step.step}: ${step.state}${step.state === "not run" ? "" : ` in ${step.elapsedMs} ms`}${step.detail === undefined ? "" : ` — ${step.detail}`}`);
  }
  const url = statusUrl(input);
  if (url !== undefined) lines.push("", `Status: ${url}`);
  lines.push("", "You receive this email because you own this email server profile. At most one is sent per hour.");
  return lines.join("\n") + "\n";
}
