import type { CertificateReport, ServerInfo, StepResult } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { DynamicsProfileSummary } from "../model/dynamics.js";
import type { ProfileSummary, ProfileFailure } from "../model/summary.js";
import type { CheckedReadiness } from "../model/readiness.js";
import { emailOutcomes, type EmailAttempt, type EmailOutcomeCounts } from "../model/notification.js";
import type { MaintenanceWindow } from "../maintenance/window.js";
import { occurrenceAt } from "../maintenance/in-force.js";
import { readinessAsOf } from "../graph/readiness.js";
import { hourKey } from "../store/keys.js";
import type { StoredProfile } from "../store/profiles.js";
import { healthAt, staleRuleOf, type HealthNow } from "../cycle/health.js";

/** What the status endpoints show for one profile, built from its summary only. */
export interface ProfileStatus
  extends Pick<ProfileSummary, "profileId" | "name" | "owner" | "serverType" | "lastHour" | "emailsSent" | "mailboxStates" | "updatedAt"> {
  /** Always the last 24 clock hours (UTC), oldest first, ending with the current one; zeros where no cycle ran. */
  hourly: HourStatus[];
  /** Evaluated when read: the roll-up's word, or `stale` when the last completed cycle is too old (lib/cycle/health.ts). */
  health: Health;
  /** When the last cycle completed (its roll-up), null before the first. */
  lastCycleAt: string | null;
  /** Seconds from lastCycleAt to the moment this answer was built, null before the first cycle. */
  lastCycleAgeSeconds: number | null;
  lastTestConnection: TestConnectionStatus | null;
  certificates: { minDaysLeft: number | null; hosts: CertificateReport[] };
  server: ServerInfo | null;
  lastEmailAt: string | null;
  /** The last email attempt whatever became of it (sent, refused, uncertain) with the reason; null before the first. */
  lastEmail: EmailAttempt | null;
  /** Email attempts by outcome, in all. */
  emailOutcomes: EmailOutcomeCounts;
  /** EWS-retirement readiness (Exchange Online / hybrid), null where not known. */
  readiness: CheckedReadiness | null;
  /** The last cycle's Test Connection failed: every approved mailbox counted failed (null once a cycle's Test Connection passes). */
  profileFailure: ProfileFailure | null;
  /** The profile's maintenance windows and the occurrence in force now (null when none is). */
  maintenance: { windows: MaintenanceWindow[]; inForce: { window: MaintenanceWindow; start: string; end: string } | null };
  /** Profiles from Dataverse: where it comes from, credentials (or what the map file must add), Dynamics' last Test Connection, the agreement classes. */
  dynamics: DynamicsProfileSummary | null;
}

export interface HourStatus {
  /** The hour's start, ISO (UTC). */
  hour: string;
  processed: number;
  failed: number;
  succeeded: number;
  failurePercent: number;
  /** A maintenance window overlapped the hour when it was recorded. */
  maintenance: boolean;
}

export interface TestConnectionStatus {
  at: string;
  ok: boolean;
  elapsedMs: number;
  steps: StepResult[];
  /** The error of the step that failed, null when every step that ran passed. */
  error: (Failure & { step: StepResult["step"] }) | null;
}

export type Health = HealthNow;

export const healthOrder: readonly Health[] = ["ok", "degraded", "failing", "stale", "unknown"];

export interface Overall {
  /** One light for a dashboard: failing if any profile fails, else stale if any is, else degraded if any is, else ok if any is ok, else unknown. */
  health: Health;
  profiles: number;
  counts: Record<Health, number>;
}

const hoursShown = 24;

/** The 24 clock hours ending with the one `now` is in, from the summary's rows (keys yyyyMMddHH), zeros where none. */
export function lastDayHours(rows: ProfileSummary["hourly"], now: Date): HourStatus[] {
  const byKey = new Map(rows.map((r) => [r.hour, r]));
  const current = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  return Array.from({ length: hoursShown }, (_, i) => {
    const start = new Date(current - (hoursShown - 1 - i) * 3_600_000);
    const r = byKey.get(hourKey(start));
    return {
      hour: start.toISOString(),
      processed: r?.processed ?? 0,
      failed: r?.failed ?? 0,
      succeeded: r?.succeeded ?? 0,
      failurePercent: r?.failurePercent ?? 0,
      maintenance: r?.maintenance === true,
    };
  });
}

/**
 * A profile's status at `now` from its summary and (when it still exists) its stored settings: health on read
 * (stale), the maintenance window in force. `scheduleEveryMs`: the schedule's period (default one minute).
 */
export function profileStatus(s: ProfileSummary, now: Date, stored: StoredProfile | undefined, scheduleEveryMs?: number): ProfileStatus {
  // Without its settings (the profile is gone) the stored word stays.
  const rule = stored === undefined ? undefined : staleRuleOf(stored, scheduleEveryMs);
  const windows = stored?.profile.maintenance ?? [];
  const inForce = occurrenceAt(windows, now);
  const storedHealth = healthOrder.includes(s.health) ? s.health : "unknown";
  const reading = healthAt({ ...s, health: storedHealth }, now, rule);
  const hosts = s.certificates.map((c) => ({ ...c }));
  const days = hosts.map((c) => c.daysLeft).filter((d) => Number.isFinite(d));
  return {
    profileId: s.profileId,
    name: s.name,
    owner: s.owner,
    serverType: s.serverType,
    health: reading.health,
    lastCycleAt: reading.lastCycleAt,
    lastCycleAgeSeconds: reading.lastCycleAgeSeconds,
    lastHour: s.lastHour,
    lastTestConnection: s.lastTestConnection === undefined ? null : testConnectionStatus(s.lastTestConnection),
    certificates: { minDaysLeft: days.length === 0 ? null : Math.min(...days), hosts },
    server: s.server ?? null,
    lastEmailAt: s.lastEmailAt ?? null,
    lastEmail: s.lastEmail ?? null,
    emailOutcomes: Object.fromEntries(emailOutcomes.map((o) => [o, s.emailOutcomes?.[o] ?? 0])) as EmailOutcomeCounts,
    readiness: s.readiness === undefined ? null : readinessAsOf(s.readiness, now),
    profileFailure: s.profileFailure ?? null,
    maintenance: { windows: [...windows], inForce: inForce === undefined ? null : { window: inForce.window, start: inForce.start.toISOString(), end: inForce.end.toISOString() } },
    dynamics: s.dynamics ?? null,
    emailsSent: s.emailsSent,
    mailboxStates: s.mailboxStates,
    hourly: lastDayHours(s.hourly, now),
    updatedAt: s.updatedAt,
  };
}

function testConnectionStatus(run: NonNullable<ProfileSummary["lastTestConnection"]>): TestConnectionStatus {
  const failed = run.steps.find((step) => step.ok === false);
  return {
    at: run.at,
    ok: run.ok,
    elapsedMs: run.elapsedMs,
    steps: run.steps,
    error: failed !== undefined && failed.ok === false ? { step: failed.step, ...failed.error } : null,
  };
}

export function overallOf(statuses: readonly Pick<ProfileStatus, "health">[]): Overall {
  const counts: Record<Health, number> = { ok: 0, degraded: 0, failing: 0, stale: 0, unknown: 0 };
  for (const s of statuses) counts[s.health] += 1;
  const health: Health = counts.failing > 0 ? "failing" : counts.stale > 0 ? "stale" : counts.degraded > 0 ? "degraded" : counts.ok > 0 ? "ok" : "unknown";
  return { health, profiles: statuses.length, counts };
}
