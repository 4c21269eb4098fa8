import type { CertificateReport, ServerInfo, StepResult } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { DynamicsProfileSummary } from "../model/dynamics.js";
import type { ProfileSummary } from "../model/summary.js";
import { healthAt, type HealthNow, type StalenessOptions } from "../cycle/health.js";

/** What the status endpoints show for one profile, built from its summary only. */
export interface ProfileStatus
  extends Pick<ProfileSummary, "profileId" | "name" | "owner" | "serverType" | "lastHour" | "emailsSent" | "mailboxStates" | "hourly" | "updatedAt"> {
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
  /** Profiles from Dataverse: where it comes from, credentials (or what the map file must add), Dynamics' last Test Connection, the agreement classes. */
  dynamics: DynamicsProfileSummary | null;
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

/** What the status needs of a profile's settings to judge staleness (absent when the profile is gone: the stored word stays). */
export type StaleRule = (StalenessOptions & { notProbed?: boolean }) | undefined;

export interface Overall {
  /** One light for a dashboard: failing if any profile fails, else stale if any is, else degraded if any is, else ok if any is ok, else unknown. */
  health: Health;
  profiles: number;
  counts: Record<Health, number>;
}

const hoursShown = 24;

export function profileStatus(s: ProfileSummary, now: Date, rule: StaleRule): ProfileStatus {
  const stored = healthOrder.includes(s.health) ? s.health : "unknown";
  const reading = healthAt({ ...s, health: stored }, now, rule);
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
    dynamics: s.dynamics ?? null,
    emailsSent: s.emailsSent,
    mailboxStates: s.mailboxStates,
    hourly: [...s.hourly].sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0)).slice(-hoursShown),
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
