import type { MaintenanceWindow } from "../../maintenance/window.js";
import type { StepResult } from "../../model/connection.js";
import { chartAxis, chartLegend, hourlyChart } from "./chart.js";
import { age, percent, utcTime } from "./format.js";
import { groupByDiagnosis, type DiagnosisGroup } from "./group.js";
import { html, type Html } from "./html.js";
import { alertLabel, categoryLabel, serverTypeLabels } from "./labels.js";
import { page, pageHref } from "./layout.js";
import { windowText } from "./maintenance-text.js";
import { certificateCell, dynamicsNote, healthBadge, lastCycleCell, readinessCell } from "./overview-page.js";
import type { AlertView, EmailView, FailingMailboxView, ProfilePageModel, TestConnectionView } from "./view-model.js";

function mailboxState(m: FailingMailboxView, now: Date): Html {
  switch (m.state) {
    case "disabled":
      return html`<span class="bad">Disabled</span><span class="sub">after ${m.consecutiveFailures} failures; approve or fix, then re-enable</span>`;
    case "retrying":
      return html`<span class="warn">Retrying</span><span class="sub">${
        m.nextAttemptAt === null ? "next try soon" : html`next try ${utcTime(m.nextAttemptAt)} (${age(m.nextAttemptAt, now)})`
      }</span>`;
    case "enabled":
      return html`<span>Enabled</span><span class="sub">last check failed</span>`;
    case "pending-approval":
      return html`<span class="muted">Pending approval</span>`;
  }
}

function group(g: DiagnosisGroup, now: Date): Html {
  const ownRemediation = g.remediation === undefined;
  return html`<div class="group" data-category="${g.category ?? "none"}">
<h3>${categoryLabel(g.category)} <span class="muted">· ${g.mailboxes.length} ${g.mailboxes.length === 1 ? "mailbox" : "mailboxes"}${
    g.category === null ? "" : html` · <code>${g.category}</code>`
  }</span></h3>
${ownRemediation ? "" : html`<p class="remediation"><strong>What to do:</strong> ${g.remediation}</p>`}
<table class="cards mailboxes">
<thead><tr><th>Mailbox</th><th>State</th><th>What happened</th><th>Failing since</th></tr></thead>
<tbody>
${g.mailboxes.map(
  (m) => html`<tr class="mailbox" data-address="${m.address}">
<td data-label="Mailbox">${m.address}</td>
<td data-label="State">${mailboxState(m, now)}</td>
<td data-label="What happened" class="message">${m.diagnosis === null ? html`<span class="muted">—</span>` : html`${m.diagnosis.message} <span class="muted">(${m.diagnosis.code}${m.diagnosis.transient ? ", transient" : ""})</span>`}${
    ownRemediation && m.diagnosis !== null ? html`<p class="remediation"><strong>What to do:</strong> ${m.diagnosis.remediation}</p>` : ""
  }</td>
<td data-label="Failing since">${m.failingAfter === null ? "never succeeded" : html`after ${utcTime(m.failingAfter)}`}<span class="sub">last check ${utcTime(m.lastCheckedAt)}</span></td>
</tr>`,
)}
</tbody>
</table>
</div>`;
}

function failingSection(model: ProfilePageModel, now: Date): Html {
  const { items, total, truncated } = model.failingMailboxes;
  return html`<section id="failing">
<h2>Failing mailboxes <span class="muted">(${total})</span></h2>
${items.length === 0 ? html`<p class="good">No mailbox is failing.</p>` : groupByDiagnosis(items).map((g) => group(g, now))}
${truncated ? html`<p class="muted">Showing ${items.length} of ${total}.</p>` : ""}
</section>`;
}

function step(s: StepResult): Html {
  const where = "url" in s && s.url !== undefined ? html` <code>${s.url}</code>` : "";
  if (s.ok === null) return html`<li data-step="${s.step}"><span class="step-skipped">skipped</span> ${s.step} <span class="muted">(an earlier step failed)</span></li>`;
  if (s.ok) return html`<li data-step="${s.step}"><span class="step-ok">passed</span> ${s.step}${where} <span class="muted">${s.elapsedMs} ms</span></li>`;
  return html`<li data-step="${s.step}"><span class="step-failed">failed</span> ${s.step}${where} <span class="muted">${s.elapsedMs} ms</span>
<div class="message">${categoryLabel(s.error.category)} (<code>${s.error.category}</code>, ${s.error.code}): ${s.error.message}</div>
<p class="remediation"><strong>What to do:</strong> ${s.error.remediation}</p></li>`;
}

function testConnectionSection(t: TestConnectionView | null, now: Date): Html {
  return html`<section id="test-connection">
<h2>Test Connection</h2>
${
  t === null
    ? html`<p class="muted">Test Connection has not run yet.</p>`
    : html`<p>${t.ok ? html`<span class="step-ok">Passed</span>` : html`<span class="step-failed">Failed</span>`} at ${utcTime(t.at)} <span class="muted">(${age(t.at, now)}, ${t.elapsedMs} ms)</span></p>
<ol class="steps">${t.steps.map(step)}</ol>`
}
</section>`;
}

function certificatesSection(model: ProfilePageModel): Html {
  if (model.certificates.length === 0) return html``;
  return html`<section id="certificates">
<h2>Certificates</h2>
<table class="cards">
<thead><tr><th>Host</th><th>Days left</th><th>Trusted</th><th>Names match</th></tr></thead>
<tbody>${model.certificates.map(
    (c) => html`<tr><td data-label="Host">${c.host}</td><td data-label="Days left">${certificateCell(c.daysLeft)}</td><td data-label="Trusted">${
      c.trusted ? "yes" : html`<span class="bad">no</span>${c.reason === undefined ? "" : html` <span class="muted">(${c.reason})</span>`}`
    }</td><td data-label="Names match">${c.namesMatch ? "yes" : html`<span class="bad">no</span>`}</td></tr>`,
  )}</tbody>
</table>
</section>`;
}

function alertsSection(alerts: readonly AlertView[]): Html {
  return html`<section id="alerts">
<h2>Recent alerts</h2>
${
  alerts.length === 0
    ? html`<p class="muted">No alert yet.</p>`
    : html`<table class="cards">
<thead><tr><th>When</th><th>Alert</th><th>Mailbox</th><th>Message</th></tr></thead>
<tbody>${alerts.map(
        (a) => html`<tr class="alert"><td data-label="When" class="num">${utcTime(a.at)}</td><td data-label="Alert" data-kind="${a.kind}">${alertLabel(a.kind)}<span class="sub">to ${a.audiences.join(" and ")}</span></td><td data-label="Mailbox">${
          a.address ?? html`<span class="muted">—</span>`
        }</td><td data-label="Message" class="message">${a.message}${
          // The platform's alert text usually quotes the diagnosis already: then it is not said twice.
          a.diagnosis === null || a.message.includes(a.diagnosis.remediation)
            ? ""
            : html`<span class="sub">${categoryLabel(a.diagnosis.category)}: ${a.diagnosis.remediation}</span>`
        }</td></tr>`,
      )}</tbody>
</table>`
}
</section>`;
}

function emailOutcome(e: EmailView): Html {
  if (e.outcome === "sent") return html`<span class="good">sent</span>`;
  const word = e.outcome === "unknown" ? "outcome unknown" : "refused";
  return html`<span class="bad">${word}</span>${e.reason === undefined ? "" : html`<span class="sub">${e.reason}</span>`}`;
}

function emailsSection(model: ProfilePageModel): Html {
  const emails = model.emails;
  const summary =
    model.emailsSent === undefined ? "" : html`<p class="muted">${model.emailsSent} emails sent in all${model.lastEmailAt ? html`, the last at ${utcTime(model.lastEmailAt)}` : ""}.</p>`;
  return html`<section id="emails">
<h2>Emails to the owner</h2>
${summary}
${
  emails === undefined
    ? ""
    : emails.length === 0
      ? html`<p class="muted">No email yet.</p>`
      : html`<table class="cards">
<thead><tr><th>When</th><th>Kind</th><th>Subject</th><th>Outcome</th></tr></thead>
<tbody>${emails.map(
          (e) => html`<tr class="email"><td data-label="When" class="num">${utcTime(e.at)}</td><td data-label="Kind">${e.kind ?? "alert"}</td><td data-label="Subject" class="message">${e.subject}<span class="sub">to ${e.recipient}</span></td><td data-label="Outcome">${emailOutcome(e)}</td></tr>`,
        )}</tbody>
</table>`
}
</section>`;
}

const sameWindow = (a: MaintenanceWindow | undefined, b: MaintenanceWindow): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

function maintenanceSection(model: ProfilePageModel): Html {
  const windows = model.maintenance;
  if (windows === undefined) return html``;
  const current = model.profile.maintenanceNow;
  return html`<section id="maintenance">
<h2>Maintenance windows</h2>
<p class="muted">During a window the checks still run and are recorded, no email is sent, and its hours do not count towards the more-than-50% rule.</p>
${
  windows.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<ul>${windows.map(
        (w) => html`<li>${windowText(w)}${w.reason === undefined ? "" : html` — ${w.reason}`}${
          sameWindow(current?.window, w) ? html` <strong>(in force now)</strong>` : ""
        }</li>`,
      )}</ul>`
}
</section>`;
}

const agreementLabels: Record<string, string> = {
  "both-fail": "both fail (Exchange side)",
  "dynamics-fails-probe-passes": "Dynamics fails, probe passes (CRM side)",
  "probe-fails-dynamics-passes": "probe fails, Dynamics passes (early warning)",
  "both-pass": "both pass",
  "not-compared": "not compared",
};

/** Profiles from Dataverse: Dynamics 365's own verdict beside the probe's, the mailboxes that disagree or fail first. */
function dynamicsSection(model: ProfilePageModel): Html {
  const d = model.profile.dynamics;
  if (d === undefined) return html``;
  const mailboxes = (model.dynamicsMailboxes ?? []).filter((m) => m.agreement !== "both-pass");
  return html`<section id="dynamics">
<h2>Dynamics 365 beside the probe</h2>
${dynamicsNote(model.profile)}
<ul class="counts">${Object.keys(agreementLabels).map((k) => html`<li data-class="${k}">${d.agreement[k] ?? 0} ${agreementLabels[k]!}</li>`)}</ul>
${
  mailboxes.length === 0
    ? ""
    : html`<table class="cards"><thead><tr><th>Mailbox</th><th>Class</th><th>Why</th></tr></thead><tbody>${mailboxes.map(
        (m) => html`<tr class="dynamics-mailbox" data-address="${m.address}"><td data-label="Mailbox">${m.address}</td><td data-label="Class">${agreementLabels[m.agreement] ?? m.agreement}</td><td data-label="Why">${m.reason ?? m.explanation}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
}

/** One profile: what is failing and what to do about it, then the evidence. */
export function renderProfilePage(model: ProfilePageModel): string {
  const now = new Date(model.now);
  const p = model.profile;
  const m = p.maintenanceNow;
  const body = html`<nav><a href="${pageHref(model.links)}">← All profiles</a></nav>
${m === undefined ? "" : html`<p class="banner">In maintenance until ${utcTime(m.end)} (${age(m.end, now)}): ${windowText(m.window)}${m.window.reason === undefined ? "" : html` — ${m.window.reason}`}. No email is sent.</p>`}
<section id="summary" class="big">
<h2>${healthBadge(p.health)} ${
  p.lastHour.processed === 0
    ? html`no checks in the last hour`
    : html`${percent(p.lastHour.failurePercent)} failed in the last hour <span class="muted">(${p.lastHour.failed} of ${p.lastHour.processed} mailboxes)</span>`
}</h2>
${hourlyChart(p.hourly, now, `Last 24 hours of ${p.name}`)}
${chartAxis(now)}
${chartLegend()}
<table class="cards">
<thead><tr><th>Owner</th><th>Server</th><th>Last cycle</th><th>Mailboxes</th><th>EWS readiness</th></tr></thead>
<tbody><tr>
<td data-label="Owner">${p.owner}</td>
<td data-label="Server">${serverTypeLabels[p.serverType] ?? p.serverType}${p.server === null ? "" : html`<span class="sub">${p.server.product} ${p.server.build}</span>`}</td>
<td data-label="Last cycle" class="cycle-cell">${lastCycleCell(p, now)}</td>
<td data-label="Mailboxes" class="counts"><span>${p.mailboxStates.enabled} enabled</span> <span>${p.mailboxStates.retrying} retrying</span> <span>${p.mailboxStates.disabled} disabled</span> <span>${p.mailboxStates["pending-approval"]} pending approval</span></td>
<td data-label="EWS readiness">${readinessCell(p.readiness, p.serverType)}</td>
</tr></tbody>
</table>
</section>
${failingSection(model, now)}
${testConnectionSection(model.testConnection, now)}
${certificatesSection(model)}
${alertsSection(model.recentAlerts)}
${emailsSection(model)}
${dynamicsSection(model)}
${maintenanceSection(model)}`;
  return page(`${p.name} · Exchange sync monitor`, p.name, `${p.profileId} · as of ${utcTime(model.now)}`, body);
}

/** The page for an unknown profile id (status 404) or a dashboard that cannot be read now (503). */
export function renderMessagePage(model: { links: ProfilePageModel["links"]; title: string; message: string }): string {
  return page(model.title, model.title, "Exchange sync monitor", html`<nav><a href="${pageHref(model.links)}">← All profiles</a></nav><section><p>${model.message}</p></section>`);
}
