import type { HistoryRecord } from "../store/notifications.js";
import type { DetailDocument } from "./detail.js";
import type { EmailView, Links, OverviewModel, ProfilePageModel, ProfileRow } from "./dashboard/view-model.js";
import type { ProfileStatus } from "./view.js";

/** The dashboard's view models, from the same status data as /api/status and /api/status/{id}. */

export function profileRow(p: ProfileStatus): ProfileRow {
  const r = p.readiness;
  return {
    profileId: p.profileId,
    name: p.name,
    serverType: p.serverType,
    health: p.health,
    lastHour: p.lastHour,
    hourly: p.hourly.map((h) => ({ start: h.hour, processed: h.processed, failed: h.failed, maintenance: h.maintenance })),
    certificateDaysLeft: p.certificates.minDaysLeft,
    mailboxStates: p.mailboxStates,
    lastCycleAt: p.lastCycleAt,
    ...(r === null ? {} : { readiness: { ews: r.ews, ewsDaysLeft: r.ewsDaysLeft, graphPermissions: { granted: r.graphPermissions.granted, missing: r.graphPermissions.missing } } }),
    ...(p.maintenance.inForce === null ? {} : { maintenanceNow: p.maintenance.inForce }),
    ...(p.dynamics === null ? {} : { dynamics: { credentials: p.dynamics.credentials, ...(p.dynamics.needs === undefined ? {} : { needs: p.dynamics.needs }), agreement: p.dynamics.agreement } }),
  };
}

export function overviewModel(statuses: readonly ProfileStatus[], now: Date, links: Links): OverviewModel {
  return { now: now.toISOString(), links, profiles: statuses.map(profileRow) };
}

function emailView(h: HistoryRecord): EmailView {
  const base = { at: h.at, kind: h.kind, subject: h.subject, recipient: h.recipient };
  if (h.outcome === "sent") return { ...base, outcome: "sent" };
  return { ...base, outcome: h.outcome === "refused" ? "refused" : "unknown", reason: h.reason };
}

export function profilePageModel(d: DetailDocument, emails: readonly HistoryRecord[], now: Date, links: Links): ProfilePageModel {
  const p = d.profile;
  return {
    now: now.toISOString(),
    links,
    profile: { ...profileRow(p), owner: p.owner, server: p.server },
    failingMailboxes: d.failingMailboxes,
    testConnection: p.lastTestConnection === null ? null : { at: p.lastTestConnection.at, ok: p.lastTestConnection.ok, elapsedMs: p.lastTestConnection.elapsedMs, steps: p.lastTestConnection.steps },
    certificates: p.certificates.hosts,
    recentAlerts: d.recentAlerts,
    emails: emails.map(emailView),
    emailsSent: p.emailsSent,
    lastEmailAt: p.lastEmailAt,
    maintenance: p.maintenance.windows,
    ...(d.dynamicsMailboxes === null ? {} : { dynamicsMailboxes: d.dynamicsMailboxes.map((m) => ({ address: m.address, agreement: m.agreement, explanation: m.explanation, ...(m.reason === undefined ? {} : { reason: m.reason }) })) }),
  };
}
