import type { Health, ProfileSummary, TestConnectionSummary, WindowFigures } from "../model/summary.js";
import type { StoredProfile } from "../store/profiles.js";
import { shouldNotify } from "./window.js";

/** A certificate that expires within this many days makes a profile degraded. */
export const certificateWarningDays = 14;

export interface HealthInput {
  lastHour: Pick<WindowFigures, "processed" | "failed">;
  lastTestConnection?: Pick<TestConnectionSummary, "ok">;
  disabledMailboxes: number;
  minCertDaysLeft?: number;
}

/**
 * One word for a profile, checked in this order (the first that matches wins):
 * - `failing`: the last Test Connection failed, or more than 50% of the mailboxes processed in
 *   the last hour failed (the same rule that emails the owner);
 * - `degraded`: some mailboxes failed in the last hour, some mailboxes are disabled, or a
 *   certificate expires within 14 days (or already has);
 * - `unknown`: nothing was processed in the last hour and Test Connection never ran;
 * - `ok`: otherwise.
 * Degraded comes before unknown because a disabled mailbox or an expiring certificate is a known
 * fact that needs attention even when nothing ran in the last hour.
 */
export function healthOf(input: HealthInput): Health {
  const { lastHour, lastTestConnection, disabledMailboxes, minCertDaysLeft } = input;
  if (lastTestConnection?.ok === false || shouldNotify(lastHour)) return "failing";
  const certificateExpiring = minCertDaysLeft !== undefined && minCertDaysLeft <= certificateWarningDays;
  if (lastHour.failed > 0 || disabledMailboxes > 0 || certificateExpiring) return "degraded";
  if (lastHour.processed === 0 && lastTestConnection === undefined) return "unknown";
  return "ok";
}

/** The schedule fires every minute unless SCHEDULE_CRON says otherwise. */
export const defaultScheduleEveryMs = 60_000;

export interface Staleness {
  stale: boolean;
  lastCycleAt?: string;
  ageMs?: number;
}

export interface StalenessOptions {
  pollingIntervalMinutes: number;
  scheduleEveryMs?: number | undefined;
}

/** How old the last completed cycle may be before its figures say nothing of now: 2 × polling interval + the schedule's period. */
export function staleAfterMs(options: StalenessOptions): number {
  return 2 * options.pollingIntervalMinutes * 60_000 + (options.scheduleEveryMs ?? defaultScheduleEveryMs);
}

/**
 * A profile is stale when its last completed cycle (the roll-up's `updatedAt`) is older than twice its polling
 * interval plus the schedule's period: the monitor stopped probing it, and its last figures say nothing of now.
 * A profile with no summary has never been probed: it is not stale, it is unknown.
 */
export function staleness(summary: Pick<ProfileSummary, "updatedAt"> | undefined, now: Date, options: StalenessOptions): Staleness {
  if (summary === undefined) return { stale: false };
  const last = Date.parse(summary.updatedAt);
  if (!Number.isFinite(last)) return { stale: false };
  const ageMs = now.getTime() - last;
  return { stale: ageMs > staleAfterMs(options), lastCycleAt: summary.updatedAt, ageMs };
}

/** Health as the status endpoints show it: the roll-up's word, or `stale` when that word is only old. */
export type HealthNow = Health | "stale";

export interface HealthReading {
  health: HealthNow;
  /** When the last cycle completed (its roll-up), null before the first. */
  lastCycleAt: string | null;
  /** Whole seconds since then, null before the first cycle. */
  lastCycleAgeSeconds: number | null;
}

/** What a reader of health needs of a profile's settings: its staleness options, and whether it is probed at all. */
export type StaleRule = StalenessOptions & { notProbed?: boolean };

/** A stored profile's rule: a Dataverse profile without credentials is never probed, so never stale. */
export function staleRuleOf(stored: Pick<StoredProfile, "profile" | "origin">, scheduleEveryMs: number | undefined): StaleRule {
  return { pollingIntervalMinutes: stored.profile.pollingIntervalMinutes, scheduleEveryMs, ...(stored.origin?.credentials === "missing" ? { notProbed: true } : {}) };
}

/**
 * Health evaluated when it is read (issue 10 item 3). `stale` when the last completed cycle is older than
 * staleAfterMs; a profile that never completed a cycle is stale once that long has passed since it was set up
 * (its summary's `updatedAt`), unless it is not probed on purpose (`notProbed`: a Dataverse profile without
 * credentials stays `unknown`). Without `options` (the profile's settings are gone) the stored word is shown.
 */
export function healthAt(
  summary: Pick<ProfileSummary, "health" | "updatedAt" | "lastHour">,
  now: Date,
  options: StaleRule | undefined,
): HealthReading {
  // The roll-up always writes a 60-minute window; a summary made at import has from === to.
  const rolledUp = summary.lastHour.from !== summary.lastHour.to;
  const s = staleness(summary, now, options ?? { pollingIntervalMinutes: Number.POSITIVE_INFINITY });
  const lastCycleAt = rolledUp && s.lastCycleAt !== undefined ? s.lastCycleAt : null;
  const lastCycleAgeSeconds = lastCycleAt === null || s.ageMs === undefined ? null : Math.max(0, Math.floor(s.ageMs / 1000));
  const stale = options !== undefined && options.notProbed !== true && s.stale;
  return { health: stale ? "stale" : summary.health, lastCycleAt, lastCycleAgeSeconds };
}

/**
 * The longest gap between two firings of an NCRONTAB schedule ("sec min hour day month weekday") of the usual
 * regular kinds: every second, every N seconds, every minute, every N minutes, every hour, every N hours. Anything
 * else (lists, ranges, days) gives undefined, and the caller's default applies.
 */
export function cronPeriodMs(expression: string): number | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6 || fields.slice(3).some((f) => f !== "*")) return undefined;
  const [sec, min, hour] = fields as [string, string, string];
  const step = (field: string): number | undefined => (field === "*" ? 1 : /^\*\/([1-9]\d*)$/.test(field) ? Number(field.slice(2)) : undefined);
  const fixed = (field: string): boolean => /^\d+$/.test(field);
  if (hour === "*" && min === "*") return step(sec) === undefined ? (fixed(sec) ? 60_000 : undefined) : step(sec)! * 1000;
  if (hour === "*" && fixed(sec)) return step(min) === undefined ? (fixed(min) ? 3_600_000 : undefined) : step(min)! * 60_000;
  if (fixed(sec) && fixed(min)) return step(hour) === undefined ? undefined : step(hour)! * 3_600_000;
  return undefined;
}

/** The schedule's period (SCHEDULE_CRON) from the settings, when they carry the schedules and the cron is a regular one. */
export function scheduleEveryMsOf(settings: { schedules?: { schedule: string } | undefined }): number | undefined {
  return settings.schedules === undefined ? undefined : cronPeriodMs(settings.schedules.schedule);
}
