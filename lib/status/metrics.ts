import { agreementKinds } from "../model/dynamics.js";
import { mailboxStates } from "../model/mailbox.js";
import { emailOutcomes } from "../model/notification.js";
import { healthOrder, type Overall, type ProfileStatus } from "./view.js";
import type { MetricFamily, MetricType, Sample } from "./prometheus.js";

/** The metric families of GET /api/metrics, from the same profile statuses as GET /api/status. */
const prefix = "exchange_sync_";
const daySeconds = 86_400;
const ewsStates = ["allowed", "blocked-by-policy", "disabled", "not-checked"] as const;

type PerProfile = (p: ProfileStatus) => Sample[];

const one = (p: ProfileStatus, value: number, extra: Record<string, string> = {}): Sample => ({ labels: { profile: p.profileId, ...extra }, value });

/** Whose readiness it is: synchronization's own app, or only the monitor's. */
const whose = (p: ProfileStatus): Record<string, string> =>
  p.readiness === null ? {} : { speaks_for: p.readiness.speaksFor.kind, app: p.readiness.speaksFor.app.clientId };

type Step = NonNullable<ProfileStatus["lastTestConnection"]>["steps"][number];

/**
 * The steps that ran, each with the wire it belongs to: a hybrid profile's Test Connection has a `mailbox` step on
 * each side, and two samples with the same labels would make the page invalid.
 */
function stepsRun(p: ProfileStatus): { step: Step; api: "graph" | "ews" }[] {
  let api: "graph" | "ews" = "ews";
  return (p.lastTestConnection?.steps ?? []).flatMap((step) => {
    if (step.step === "token" || step.step === "graph") api = "graph";
    else if (step.step !== "mailbox") api = "ews";
    return step.ok === null ? [] : [{ step, api }];
  });
}

const perProfile: { name: string; type: MetricType; help: string; samples: PerProfile }[] = [
  {
    name: "profile_info",
    type: "gauge",
    help: "Always 1; carries the profile's display name, server type and the Exchange product last seen.",
    samples: (p) => [one(p, 1, { name: p.name, server_type: p.serverType, product: p.server?.product ?? "", build: p.server?.build ?? "" })],
  },
  { name: "failure_ratio", type: "gauge", help: "Failed / processed mailboxes in the last 60 minutes (0 when none was processed).", samples: (p) => [one(p, p.lastHour.processed === 0 ? 0 : p.lastHour.failed / p.lastHour.processed)] },
  { name: "mailboxes_processed", type: "gauge", help: "Distinct mailboxes tried in the last 60 minutes.", samples: (p) => [one(p, p.lastHour.processed)] },
  { name: "mailboxes_failed", type: "gauge", help: "Mailboxes tried in the last 60 minutes with no complete synchronization.", samples: (p) => [one(p, p.lastHour.failed)] },
  {
    name: "test_connection_success",
    type: "gauge",
    help: "1 when the last Test Connection passed, 0 when it failed.",
    samples: (p) => (p.lastTestConnection === null ? [] : [one(p, p.lastTestConnection.ok ? 1 : 0)]),
  },
  {
    name: "test_connection_step_success",
    type: "gauge",
    help: "1 when the step of the last Test Connection passed, 0 when it failed; a step that did not run has no sample. `api`: the wire the step belongs to (graph or ews; a hybrid profile has both).",
    samples: (p) => stepsRun(p).map(({ step, api }) => one(p, step.ok ? 1 : 0, { step: step.step, api })),
  },
  {
    name: "test_connection_step_elapsed_seconds",
    type: "gauge",
    help: "Time the step of the last Test Connection took, in seconds (labelled as test_connection_step_success).",
    samples: (p) => stepsRun(p).map(({ step, api }) => one(p, step.elapsedMs / 1000, { step: step.step, api })),
  },
  {
    name: "test_connection_timestamp_seconds",
    type: "gauge",
    help: "When the last Test Connection ran, in Unix seconds.",
    samples: (p) => (p.lastTestConnection === null ? [] : [one(p, Date.parse(p.lastTestConnection.at) / 1000)]),
  },
  {
    name: "certificate_expiry_timestamp_seconds",
    type: "gauge",
    help: "When the host's certificate expires, in Unix seconds (to the day: the whole days left at the last Test Connection added to its time).",
    samples: (p) => {
      const at = Date.parse(p.lastTestConnection?.at ?? p.updatedAt) / 1000;
      return p.certificates.hosts.map((c) => one(p, at + c.daysLeft * daySeconds, { host: c.host }));
    },
  },
  { name: "mailboxes", type: "gauge", help: "Mailboxes of the profile by Test & Enable state.", samples: (p) => mailboxStates.map((state) => one(p, p.mailboxStates[state] ?? 0, { state })) },
  {
    name: "mailboxes_failed_by_category",
    type: "gauge",
    help: "Mailboxes failed in the last 60 minutes by the category of their last failure (the error vocabulary of docs/status-api.md).",
    samples: (p) => Object.entries(p.lastHour.failedByCategory ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([category, n]) => one(p, n, { category })),
  },
  { name: "emails_sent_total", type: "counter", help: "Alert emails the SMTP server accepted for the profile's owner.", samples: (p) => [one(p, p.emailsSent)] },
  {
    name: "emails_total",
    type: "counter",
    help: "Email attempts to the profile's owner by outcome: sent (accepted), refused (the server said no), uncertain (no answer after the message was sent).",
    samples: (p) => emailOutcomes.map((outcome) => one(p, p.emailOutcomes[outcome], { outcome })),
  },
  {
    name: "last_email_timestamp_seconds",
    type: "gauge",
    help: "When the last email attempt ended, in Unix seconds, with its kind and outcome; no sample before the first.",
    samples: (p) => (p.lastEmail === null ? [] : [one(p, Date.parse(p.lastEmail.at) / 1000, { kind: p.lastEmail.kind, outcome: p.lastEmail.outcome })]),
  },
  {
    name: "ews_readiness",
    type: "gauge",
    help: "Exchange Online / hybrid profiles: state set, 1 for the EWS readiness last checked (allowed, blocked-by-policy, disabled, not-checked), 0 for the others. `speaks_for`: sync-app when the app checked is synchronization's own, monitor-app when it is only the monitor's (synchronization's may differ); `app`: its client id.",
    samples: (p) => (p.readiness === null ? [] : ewsStates.map((state) => one(p, p.readiness!.ews === state ? 1 : 0, { state, ...whose(p) }))),
  },
  { name: "ews_days_left", type: "gauge", help: "Days left before Exchange Online's EWS shutdown (2027-04-01), as last checked.", samples: (p) => (p.readiness === null ? [] : [one(p, p.readiness.ewsDaysLeft)]) },
  {
    name: "graph_permissions_missing",
    type: "gauge",
    help: "Microsoft Graph application permissions the app's token lacks at the last readiness check (0 when all are granted; no sample when not checked); `speaks_for` and `app` as for ews_readiness.",
    samples: (p) => (p.readiness === null || p.readiness.graphPermissions.status !== "checked" ? [] : [one(p, p.readiness.graphPermissions.missing.length, whose(p))]),
  },
  { name: "maintenance", type: "gauge", help: "1 while one of the profile's maintenance windows is in force, else 0.", samples: (p) => [one(p, p.maintenance.inForce === null ? 0 : 1)] },
  { name: "health", type: "gauge", help: "State set: 1 for the profile's health when read (ok, degraded, failing, stale, unknown), 0 for the others.", samples: (p) => healthOrder.map((h) => one(p, p.health === h ? 1 : 0, { health: h })) },
  {
    name: "last_cycle_timestamp_seconds",
    type: "gauge",
    help: "When the profile's last cycle completed (its roll-up), in Unix seconds; no sample before the first.",
    samples: (p) => (p.lastCycleAt === null ? [] : [one(p, Date.parse(p.lastCycleAt) / 1000)]),
  },
  {
    name: "last_cycle_age_seconds",
    type: "gauge",
    help: "Seconds since the profile's last completed cycle when the metrics were read; stale beyond 2 × polling interval + the schedule's period.",
    samples: (p) => (p.lastCycleAgeSeconds === null ? [] : [one(p, p.lastCycleAgeSeconds)]),
  },
  {
    name: "dynamics_agreement_mailboxes",
    type: "gauge",
    help: "Profiles from Dataverse: mailboxes by where Dynamics 365's verdict and the probe's meet (both-fail, dynamics-fails-probe-passes, probe-fails-dynamics-passes, both-pass, not-compared).",
    samples: (p) => (p.dynamics === null ? [] : agreementKinds.map((k) => one(p, p.dynamics!.agreement[k] ?? 0, { class: k }))),
  },
  {
    name: "dynamics_credentials_missing",
    type: "gauge",
    help: "Profiles from Dataverse: 1 when the map file gives no credentials (the profile is not probed), else 0.",
    samples: (p) => (p.dynamics === null ? [] : [one(p, p.dynamics.credentials === "missing" ? 1 : 0)]),
  },
  { name: "summary_updated_timestamp_seconds", type: "gauge", help: "When the profile's summary was last written, in Unix seconds.", samples: (p) => [one(p, Date.parse(p.updatedAt) / 1000)] },
];

export function metricFamilies(statuses: readonly ProfileStatus[], overall: Overall): MetricFamily[] {
  const families: MetricFamily[] = [
    { name: `${prefix}profiles`, type: "gauge", help: "Profiles by health.", samples: healthOrder.map((h) => ({ labels: { health: h }, value: overall.counts[h] })) },
  ];
  for (const m of perProfile) families.push({ name: `${prefix}${m.name}`, type: m.type, help: m.help, samples: statuses.flatMap(m.samples) });
  return families;
}
