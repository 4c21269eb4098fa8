import type { CertificateReport, ServerInfo, StepResult } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { DynamicsProfileSummary } from "../model/dynamics.js";
import type { Health, ProfileSummary } from "../model/summary.js";

/** What the status endpoints show for one profile, built from its summary only. */
export interface ProfileStatus
  extends Pick<ProfileSummary, "profileId" | "name" | "owner" | "serverType" | "health" | "lastHour" | "emailsSent" | "mailboxStates" | "hourly" | "updatedAt"> {
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

export const healthOrder: readonly Health[] = ["ok", "degraded", "failing", "unknown"];

export interface Overall {
  /** One light for a dashboard: failing if any profile fails, else degraded if any is, else ok if any is ok, else unknown. */
  health: Health;
  profiles: number;
  counts: Record<Health, number>;
}

const hoursShown = 24;

export function profileStatus(s: ProfileSummary): ProfileStatus {
  const hosts = s.certificates.map((c) => ({ ...c }));
  const days = hosts.map((c) => c.daysLeft).filter((d) => Number.isFinite(d));
  return {
    profileId: s.profileId,
    name: s.name,
    owner: s.owner,
    serverType: s.serverType,
    health: healthOrder.includes(s.health) ? s.health : "unknown",
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
  const counts: Record<Health, number> = { ok: 0, degraded: 0, failing: 0, unknown: 0 };
  for (const s of statuses) counts[s.health] += 1;
  const health: Health = counts.failing > 0 ? "failing" : counts.degraded > 0 ? "degraded" : counts.ok > 0 ? "ok" : "unknown";
  return { health, profiles: statuses.length, counts };
}
