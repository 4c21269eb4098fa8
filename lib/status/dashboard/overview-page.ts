import { chartLegend, hourlyChart } from "./chart.js";
import { age, percent, utcTime } from "./format.js";
import { html, type Html } from "./html.js";
import { healthLabels, readinessLabels, serverTypeLabels } from "./labels.js";
import { page, pageHref } from "./layout.js";
import { windowText } from "./maintenance-text.js";
import type { DashboardHealth, OverviewModel, ProfileRow, Readiness } from "./view-model.js";

const certificateWarningDays = 14;

export function healthBadge(health: DashboardHealth): Html {
  return html`<span class="health health-${health}" data-health="${health}">${healthLabels[health] ?? health}</span>`;
}

export function certificateCell(days: number | null): Html {
  if (days === null) return html`<span class="muted">—</span>`;
  if (days < 0) return html`<span class="bad">expired ${-days} days ago</span>`;
  return html`<span class="${days <= certificateWarningDays ? "warn" : "good"}">${days} days</span>`;
}

export function readinessCell(r: Readiness | undefined, serverType: string): Html {
  if (r === undefined) return html`<span class="muted">${serverType === "exchange-server" ? "n/a (on-premises)" : "—"}</span>`;
  const missing = r.graphPermissions?.missing ?? [];
  const cls = r.ews === "allowed" ? "good" : r.ews === "not-checked" ? "muted" : "bad";
  return html`<span class="${cls}">${readinessLabels[r.ews] ?? r.ews}</span>${
    r.ewsDaysLeft === undefined ? "" : html`<span class="sub">${r.ewsDaysLeft} days until EWS shuts down</span>`
  }${missing.length === 0 ? "" : html`<span class="sub bad">Graph permissions missing: ${missing.join(", ")}</span>`}`;
}

export function lastCycleCell(row: Pick<ProfileRow, "lastCycleAt" | "health">, now: Date): Html {
  if (row.lastCycleAt === undefined) return html`<span class="muted">—</span>`;
  if (row.lastCycleAt === null) return html`<span class="${row.health === "stale" ? "stale-time" : "muted"}">no cycle completed yet</span>`;
  const ago = age(row.lastCycleAt, now);
  const when = html`<span class="sub time">${utcTime(row.lastCycleAt)}</span>`;
  return row.health === "stale" ? html`<span class="stale-time">⚠ ${ago}</span>${when}` : html`${ago}${when}`;
}

export function lastHourCell(figures: ProfileRow["lastHour"]): Html {
  if (figures.processed === 0) return html`<span class="muted">—</span><span class="sub">no checks</span>`;
  return html`${percent(figures.failurePercent)}<span class="sub">${figures.failed} of ${figures.processed} failed</span>`;
}

function maintenanceCell(row: ProfileRow, now: Date): Html {
  const m = row.maintenanceNow;
  if (m === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="maint">In maintenance until ${utcTime(m.end)} (${age(m.end, now)})<span class="sub">${windowText(m.window)}${
    m.window.reason === undefined ? "" : html` — ${m.window.reason}`
  }</span></span>`;
}

/** A profile from Dataverse without credentials is never probed: say what the map file must add. */
export function dynamicsNote(p: ProfileRow): Html | string {
  if (p.dynamics?.credentials !== "missing") return "";
  return html`<span class="sub needs">Needs credentials${p.dynamics.needs === undefined ? "" : html`: ${p.dynamics.needs}`}</span>`;
}

function row(model: OverviewModel, p: ProfileRow, now: Date): Html {
  return html`<tr class="profile${p.health === "stale" ? " stale" : ""}" data-profile-id="${p.profileId}">
<td data-label="Profile"><a href="${pageHref(model.links, p.profileId)}" class="name">${p.name}</a><span class="sub">${p.profileId} · ${
    serverTypeLabels[p.serverType] ?? p.serverType
  }${p.dynamics === undefined ? "" : " · from Dynamics 365"}</span>${dynamicsNote(p)}</td>
<td data-label="Health">${healthBadge(p.health)}</td>
<td data-label="Last hour" class="num">${lastHourCell(p.lastHour)}</td>
<td data-label="Last 24 hours" class="chart-cell">${hourlyChart(p.hourly, now, `Last 24 hours of ${p.name}`)}</td>
<td data-label="Certificate">${certificateCell(p.certificateDaysLeft)}</td>
<td data-label="EWS readiness">${readinessCell(p.readiness, p.serverType)}</td>
<td data-label="Last cycle" class="cycle-cell">${lastCycleCell(p, now)}</td>
<td data-label="Maintenance" class="maint-cell">${maintenanceCell(p, now)}</td>
</tr>`;
}

function counts(profiles: readonly ProfileRow[]): Html {
  const order: DashboardHealth[] = ["failing", "stale", "degraded", "unknown", "ok"];
  const n = (h: DashboardHealth): number => profiles.filter((p) => p.health === h).length;
  return html`<p class="counts">${order.filter((h) => n(h) > 0).map((h) => html`<span>${healthBadge(h)} ${n(h)}</span>`)}</p>`;
}

/** The overview: one row per profile, in the order given. */
export function renderOverview(model: OverviewModel): string {
  const now = new Date(model.now);
  const body = html`<section>
<h2>Profiles</h2>
${model.profiles.length === 0 ? html`<p class="muted">No profile is configured yet.</p>` : counts(model.profiles)}
${chartLegend()}
<table class="cards profiles">
<thead><tr><th>Profile</th><th>Health</th><th>Last hour</th><th>Last 24 hours</th><th>Certificate</th><th>EWS readiness</th><th>Last cycle</th><th>Maintenance</th></tr></thead>
<tbody>
${model.profiles.map((p) => row(model, p, now))}
</tbody>
</table>
</section>`;
  return page("Exchange sync monitor", "Exchange sync monitor", `${model.profiles.length} profiles · as of ${utcTime(model.now)}`, body);
}
