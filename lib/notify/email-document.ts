import { findingsText, readinessFindings } from "./readiness-findings.js";
import { ewsFixText, speaksForText } from "../graph/readiness.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { AgreementKind, LastTest } from "../model/dynamics.js";
import { agreementKinds } from "../model/dynamics.js";
import {
  dashboardUrl,
  diagnosisGroups,
  durationLabel,
  rootCauseOf,
  listedMailboxes,
  percentLabel,
  remediationInline,
  sentence,
  stepLines,
  testAndEnableUrl,
  windowLabel,
  type EmailInput,
} from "./email-content.js";
import { code, link, strong, text, time, type Inline } from "./email-inline.js";

/**
 * What an owner email says, as blocks both parts render: the text part from `lines`, the HTML part from
 * `cells`. The order is the reader's: the root cause first, then the figures, then what to do.
 */
export type Block =
  | { kind: "paragraph"; content: Inline[] }
  | { kind: "table"; head: string[]; rows: { cells: Inline[][]; line: Inline[] }[]; after?: Inline[] }
  | { kind: "list"; items: Inline[][] };

export interface Section {
  title?: string;
  blocks: Block[];
}

export interface EmailDocument {
  heading: string;
  subheading: string;
  sections: Section[];
  footer: string;
}

const p = (...content: Inline[]): Block => ({ kind: "paragraph", content });

function rootCause(input: EmailInput): Section | undefined {
  const root = rootCauseOf(input);
  if (root === undefined) return undefined;
  const { failure } = root;
  const counted =
    root.origin === "setup"
      ? `, so no mailbox of this profile could be checked and all ${root.mailboxes} count as failed for that cycle`
      : root.mailboxes > 0
        ? `; every mailbox of this profile (${root.mailboxes}) counts as failed for that cycle unless its own check succeeded`
        : "";
  const blocks: Block[] = [
    p(text(`Test Connection failed at the ${root.step} step at `), time(root.at), text(": "), strong(failure.category), text(` (${failure.code}): ${sentence(failure.message)}`)),
    ...(counted === "" ? [] : [p(text(`That is the root cause${counted}.`))]),
    p(strong("What to do: "), ...remediationInline(failure.remediation, input.profile.serviceAccount)),
  ];
  if (root.origin === "setup") {
    blocks.push(p(text("This is the monitor's own setup, not Exchange: no mailbox was disabled for it, and the mailboxes' states are unchanged.")));
  }
  return { title: "Root cause: Test Connection failed", blocks };
}

function headline(input: EmailInput): Block[] {
  const { processed, failed } = input.figures;
  const share = `${percentLabel(failed, processed)} of the mailboxes processed in the last hour failed (${failed} of ${processed}), ${windowLabel(input.from, input.to)}.`;
  const previous = input.previous;
  switch (input.kind) {
    case "alert":
      return [p(strong(share))];
    case "reminder":
      return [
        p(strong(`Still failing: ${share}`)),
        p(
          text("The last email about this profile went out at "),
          ...(previous === undefined ? [text("an earlier hour")] : [time(previous.at)]),
          text(". A reminder comes once an hour while more than half of the mailboxes fail, and a recovery email when they no longer do."),
        ),
      ];
    case "recovered": {
      const disabled = (input.mailboxes ?? []).filter((m) => m.state === "disabled").length;
      return [
        p(strong(`Recovered: ${share}`)),
        p(text("Half of the mailboxes or fewer fail now, so the alert is closed and no more reminders will come. If it fails again, a new alert will.")),
        ...(disabled === 0
          ? []
          : [
              p(
                strong(`${disabled} mailbox${disabled === 1 ? " is" : "es are"} still disabled`),
                text(" and no longer checked, so they are not in these figures: fix them, then run Test & Enable (Dynamics 365's Test & Enable Mailboxes, or this monitor's "),
                code(`POST /api/profiles/${input.profile.id}/mailboxes/test-and-enable`),
                text(")."),
              ),
            ]),
      ];
    }
    case "readiness": {
      const r = input.summary?.readiness;
      return [
        p(
          strong("Something server-side synchronization's app needs before EWS stops in Exchange Online is missing"),
          ...(r === undefined ? [] : [text(` (on ${r.ewsShutdown}, in ${r.ewsDaysLeft} days)`)]),
          text(". "),
          text(
            input.figures.processed === 0
              ? "No mailbox was checked in the last hour."
              : `In the last hour ${percentLabel(input.figures.failed, input.figures.processed)} of the mailboxes checked failed (${input.figures.failed} of ${input.figures.processed}), not enough for an alert.`,
          ),
        ),
        p(text("You get this email when something new is missing, and once a week while anything is.")),
      ];
    }
    case "stale": {
      const since = input.lastCycleAt;
      return [
        p(
          strong("No probe cycle of this profile has completed since "),
          ...(since === undefined ? [strong("it was added")] : [time(since)]),
          ...(since === undefined ? [] : [text(` (${durationLabel(input.to.getTime() - Date.parse(since))} ago)`)]),
          text(". Its status shows figures that old, so they say nothing about Exchange now."),
        ),
        p(
          text("The monitor itself has probably stopped: check that the function app runs, that its "),
          code("schedule"),
          text(" and "),
          code("probe"),
          text(" functions succeed (their logs), and that its storage account answers. You get this email once per stale episode."),
        ),
      ];
    }
  }
}

function figuresTable(input: EmailInput): Block {
  const { processed, failed, succeeded } = input.figures;
  return {
    kind: "table",
    head: ["Processed", "Failed", "Succeeded", "Window"],
    rows: [
      {
        cells: [[text(String(processed))], [text(String(failed))], [text(String(succeeded))], [time(input.from.toISOString()), text(" to "), time(input.to.toISOString())]],
        line: [text(`Processed ${processed}, failed ${failed}, succeeded ${succeeded}, from `), time(input.from.toISOString()), text(" to "), time(input.to.toISOString())],
      },
    ],
  };
}

const failures = (n: number): string => `${n} failure${n === 1 ? "" : "s"}`;

function stateOf(record: MailboxRecord | undefined, known: boolean): Inline[] {
  if (record === undefined) return [text(known ? "no longer a mailbox of the profile" : "not known")];
  switch (record.state) {
    case "disabled":
      return [strong("disabled"), text(` after ${failures(record.consecutiveFailures)}; not tried again until Test & Enable`)];
    case "retrying":
      return record.nextAttemptAt === undefined
        ? [strong("retrying"), text(` (${failures(record.consecutiveFailures)})`)]
        : [strong("retrying"), text(` (${failures(record.consecutiveFailures)}), next try `), time(record.nextAttemptAt)];
    case "enabled":
      return [text("enabled")];
    case "pending-approval":
      return [text("pending approval")];
  }
}

function failureSections(input: EmailInput): Section[] {
  if (input.failing.length === 0) return [];
  const account = input.profile.serviceAccount;
  const groups = diagnosisGroups(input.failing);
  const byAddress = new Map((input.mailboxes ?? []).map((m) => [m.address.toLowerCase(), m]));
  const verdicts = new Map((input.dynamicsMailboxes ?? []).map((v) => [v.address.toLowerCase(), v]));
  const withDynamics = verdicts.size > 0;
  const listed = input.failing.slice(0, listedMailboxes);
  const more = input.failing.length - listed.length;
  const mailboxes = listed.map((m) => {
    const state = stateOf(byAddress.get(m.address.toLowerCase()), byAddress.size > 0);
    const diagnosis = m.lastError?.category ?? "unknown";
    const error = m.lastError === undefined ? "no error recorded" : sentence(m.lastError.message);
    const verdict = verdicts.get(m.address.toLowerCase());
    // Beside the label, the reason alone: the explanation opens with the label's own words.
    const why = verdict?.reason === undefined ? [] : [text(`: ${sentence(verdict.reason)}`)];
    const dynamics = verdict === undefined ? [text("not compared")] : [strong(agreementLabels[verdict.agreement]), ...why];
    return {
      cells: [[text(m.address)], [text(diagnosis)], [text(error)], state, ...(withDynamics ? [dynamics] : []), [time(m.lastFailureAt)]],
      line: [
        text(`${m.address} (${diagnosis}): ${error} State: `),
        ...state,
        text("."),
        ...(withDynamics ? [text(" Dynamics 365: "), ...dynamics, ...(verdict === undefined ? [text(".")] : [])] : []),
        text(" Last failure "),
        time(m.lastFailureAt),
        text("."),
      ],
    };
  });
  return [
    {
      title: "Failures by diagnosis",
      blocks: [
        {
          kind: "table",
          head: ["Diagnosis", "Mailboxes", "Example", "What to do"],
          rows: groups.map((g) => {
            const remedy = remediationInline(g.remediation, account);
            const example = g.example === undefined ? [] : [text(sentence(g.example))];
            return {
              cells: [[text(g.category)], [text(String(g.count))], example, remedy],
              line: [
                text(`${g.category}: ${g.count} mailbox${g.count === 1 ? "" : "es"}. `),
                ...(g.example === undefined ? [] : [text(`Example: ${sentence(g.example)} `)]),
                text("What to do: "),
                ...remedy,
              ],
            };
          }),
        },
      ],
    },
    {
      title: "Failing mailboxes",
      blocks: [
        {
          kind: "table",
          head: ["Mailbox", "Diagnosis", "Error", "State", ...(withDynamics ? ["Dynamics 365 beside the probe"] : []), "Last failure"],
          rows: mailboxes,
          ...(more > 0 ? { after: [text(`and ${more} more`)] } : {}),
        },
      ],
    },
    afterAFix(input),
  ];
}

function afterAFix(input: EmailInput): Section {
  const byAddress = new Map((input.mailboxes ?? []).map((m) => [m.address.toLowerCase(), m]));
  const stuck = input.failing.filter((m) => ["disabled", "retrying"].includes(byAddress.get(m.address.toLowerCase())?.state ?? "")).map((m) => m.address);
  if (stuck.length === 0) {
    return { title: "After the fix", blocks: [p(text("No failing mailbox is disabled or waiting for a retry: the next probe cycle checks them all again, no Test & Enable is needed."))] };
  }
  const body = JSON.stringify({ addresses: stuck.slice(0, listedMailboxes) });
  const curl = `curl -X POST "${testAndEnableUrl(input)}" -H "x-functions-key: <admin key>" -H "Content-Type: application/json" -d '${body}'`;
  return {
    title: "After the fix: run Test & Enable",
    blocks: [
      p(
        text("Once the cause is fixed, run Test & Enable so that disabled mailboxes are enabled again and retrying ones are tried at once, instead of waiting for their next try."),
      ),
      {
        kind: "list",
        items: [
          [
            strong("In Dynamics 365: "),
            text("Settings > Email Configuration > Mailboxes, select the mailboxes, then "),
            strong("Test & Enable Mailboxes"),
            text(" (the platform tests them again and starts synchronizing the ones that pass)."),
          ],
          [strong("In this monitor: "), text("the admin API (function app's admin key): "), code(curl), text(" (leave out the body to test every mailbox of the profile).")],
        ],
      },
    ],
  };
}

function readinessSection(input: EmailInput): Section | undefined {
  const r = input.summary?.readiness;
  if (r === undefined || findingsText(readinessFindings(r)) === undefined) return undefined;
  const items: Inline[][] = [];
  if (r.ews !== "allowed") {
    const state = r.ews === "not-checked" ? "not checked" : r.ews === "blocked-by-policy" ? "blocked by policy" : "disabled";
    items.push([text("EWS for the profile's app: "), strong(state), ...(r.ewsReason === undefined ? [] : [text(` (${sentence(r.ewsReason)})`)])]);
    const fix = ewsFixText(r);
    if (fix !== undefined) items.push([text(sentence(fix))]);
  }
  items.push([text(`Exchange Online stops answering EWS on ${r.ewsShutdown}, in ${r.ewsDaysLeft} days.`)]);
  if (r.graphPermissions.status === "checked" && r.graphPermissions.missing.length > 0) {
    items.push([text("Microsoft Graph application permissions missing: "), ...r.graphPermissions.missing.flatMap((m, i) => [...(i > 0 ? [text(", ")] : []), code(m)]), text(" (not in the app's token: grant them with admin consent; permissions given only through Exchange RBAC for Applications are not in the token and show as missing).")]);
  }
  items.push([text("Speaks for: "), text(sentence(speaksForText(r.speaksFor)))]);
  return { title: "EWS readiness: something is missing", blocks: [{ kind: "list", items }, p(text("Checked at "), time(r.checkedAt), text(` by the ${r.checkedBy === "daily-check" ? "daily check" : "Test Connection"}.`))] };
}

const agreementLabels: Record<AgreementKind, string> = {
  "both-fail": "both fail (Exchange side)",
  "dynamics-fails-probe-passes": "Dynamics fails, probe passes (CRM side)",
  "probe-fails-dynamics-passes": "probe fails, Dynamics passes (early warning)",
  "both-pass": "both pass",
  "not-compared": "not compared",
};

const lastTestWords: Record<LastTest, string> = { success: "succeeded", failure: "failed", warning: "succeeded with warnings", "not-run": "not run" };

function dynamicsSection(input: EmailInput): Section | undefined {
  const d = input.summary?.dynamics;
  if (d === undefined) return undefined;
  const blocks: Block[] = [];
  if (d.credentials === "missing") blocks.push(p(text("This profile is not probed: it needs credentials. "), text(sentence(d.needs ?? ""))));
  if (d.lastTest !== undefined) {
    blocks.push(
      p(
        text("Dynamics 365's own last Test Connection of this profile: "),
        strong(lastTestWords[d.lastTest.status]),
        ...(d.lastTest.startedAt === null ? [] : [text(" at "), time(d.lastTest.startedAt)]),
        ...(d.lastTest.response === null || d.lastTest.response === "" ? [] : [text(`: ${sentence(d.lastTest.response)}`)]),
      ),
    );
  }
  blocks.push({
    kind: "table",
    head: ["Dynamics' verdict beside the probe's", "Mailboxes"],
    rows: agreementKinds
      .filter((k) => d.agreement[k] > 0)
      .map((k) => ({ cells: [[text(agreementLabels[k])], [text(String(d.agreement[k]))]], line: [text(`${agreementLabels[k]}: ${d.agreement[k]}`)] })),
  });
  const crmSide = (input.dynamicsMailboxes ?? []).filter((v) => v.agreement === "dynamics-fails-probe-passes");
  if (crmSide.length > 0) {
    blocks.push(p(text("Mailboxes Dynamics 365 fails although the probe reaches them (the cause is on the CRM side):")));
    blocks.push({ kind: "list", items: crmSide.slice(0, listedMailboxes).map((v) => [strong(v.address), text(`: ${sentence(v.reason ?? v.explanation)}`)]) });
  }
  blocks.push(p(text("Counted at "), time(d.countedAt), text(`, from ${d.source.environment}.`)));
  return { title: "Dynamics 365's verdict", blocks };
}

function testConnectionSection(input: EmailInput): Section {
  const tc = input.summary?.lastTestConnection;
  if (tc === undefined) return { title: "Last Test Connection", blocks: [p(text("Test Connection has not run yet."))] };
  return {
    title: "Last Test Connection",
    blocks: [
      p(text(`${tc.ok ? "Passed" : "Failed"} at `), time(tc.at), text(` in ${tc.elapsedMs} ms.`)),
      {
        kind: "table",
        head: ["Step", "Result", "Time", "Detail"],
        rows: stepLines(tc).map((s) => {
          const elapsed = s.state === "not run" ? "" : `${s.elapsedMs} ms`;
          return {
            cells: [[text(s.step)], [text(s.state)], [text(elapsed)], [text(s.detail ?? "")]],
            line: [text(`${s.step}: ${s.state}${elapsed === "" ? "" : ` in ${elapsed}`}${s.detail === undefined ? "" : `. ${s.detail}`}`)],
          };
        }),
      },
    ],
  };
}

function links(input: EmailInput): Section | undefined {
  const url = dashboardUrl(input);
  if (url === undefined) return undefined;
  return { blocks: [p(text("Dashboard (open it with your function key): "), link(url))] };
}

export function emailDocument(input: EmailInput): EmailDocument {
  const cause = input.kind === "alert" || input.kind === "reminder" ? rootCause(input) : undefined;
  const failing = input.kind === "alert" || input.kind === "reminder";
  const sections: (Section | undefined)[] = [
    cause,
    { blocks: headline(input) },
    input.kind === "stale" || input.kind === "readiness" ? undefined : { title: "Figures", blocks: [figuresTable(input)] },
    ...(failing ? failureSections(input) : []),
    readinessSection(input),
    dynamicsSection(input),
    input.kind === "stale" ? undefined : testConnectionSection(input),
    links(input),
  ];
  return {
    heading: input.profile.name,
    subheading: input.profile.id,
    sections: sections.filter((s): s is Section => s !== undefined),
    footer: "You receive this email because you own this email server profile. At most one email is sent per profile per hour.",
  };
}

