import { agreementKinds } from "../model/dynamics.js";
import { mailboxStates } from "../model/mailbox.js";
import { healthOrder, type Overall, type ProfileStatus } from "./view.js";
import type { MetricFamily, MetricType, Sample } from "./prometheus.js";

/** The metric families of GET /api/metrics, from the same profile statuses as GET /api/status. */
const prefix = "exchange_sync_";
const daySeconds = 86_400;

type PerProfile = (p: ProfileStatus) => Sample[];

const one = (p: ProfileStatus, value: number, extra: Record<string, string> = {}): Sample => ({ labels: { profile: p.profileId, ...extra }, value });

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
    help: "1 when the step of the last Test Connection passed, 0 when it failed; a step that did not run has no sample.",
    samples: (p) => (p.lastTestConnection?.steps ?? []).filter((s) => s.ok !== null).map((s) => one(p, s.ok ? 1 : 0, { step: s.step })),
  },
  {
    name: "test_connection_step_elapsed_seconds",
    type: "gauge",
    help: "Time the step of the last Test Connection took, in seconds.",
    samples: (p) => (p.lastTestConnection?.steps ?? []).filter((s) => s.ok !== null).map((s) => one(p, s.elapsedMs / 1000, { step: s.step })),
  },
  {
    name: "test_connection_timestamp_seconds",
    type: "gauge",
    help: "When the last Test Connection ran, in Unix seconds.",
    samples: (p) => (p.lastTestConnection === null ? [] : [one(p, Date.parse(p.lastTestConnection.at) / 1000)]),
  },
  {
    name: "certificate_expiry_seconds",
    type: "gauge",
    help: "Seconds left before the host's certificate expires (whole days at the last Test Connection); negative when expired.",
    samples: (p) => p.certificates.hosts.map((c) => one(p, c.daysLeft * daySeconds, { host: c.host })),
  },
  { name: "mailboxes", type: "gauge", help: "Mailboxes of the profile by Test & Enable state.", samples: (p) => mailboxStates.map((state) => one(p, p.mailboxStates[state] ?? 0, { state })) },
  { name: "mailboxes_disabled", type: "gauge", help: "Mailboxes disabled for synchronization.", samples: (p) => [one(p, p.mailboxStates.disabled ?? 0)] },
  { name: "emails_sent_total", type: "counter", help: "Alert emails sent to the profile's owner.", samples: (p) => [one(p, p.emailsSent)] },
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
