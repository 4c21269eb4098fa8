import type { ProfileSummary } from "../model/summary.js";

/** The schedule fires every minute unless SCHEDULE_CRON says otherwise. */
export const defaultScheduleEveryMs = 60_000;

export interface Staleness {
  stale: boolean;
  lastCycleAt?: string;
  ageMs?: number;
}

/**
 * A profile is stale when its last completed cycle (the roll-up's `updatedAt`) is older than twice its polling
 * interval plus the schedule's period: the monitor stopped probing it, and its last figures say nothing of now.
 * A profile with no summary has never been probed: it is not stale, it is unknown.
 */
export function staleness(
  summary: Pick<ProfileSummary, "updatedAt"> | undefined,
  now: Date,
  options: { pollingIntervalMinutes: number; scheduleEveryMs?: number | undefined },
): Staleness {
  if (summary === undefined) return { stale: false };
  const last = Date.parse(summary.updatedAt);
  if (!Number.isFinite(last)) return { stale: false };
  const ageMs = now.getTime() - last;
  const limitMs = 2 * options.pollingIntervalMinutes * 60_000 + (options.scheduleEveryMs ?? defaultScheduleEveryMs);
  return { stale: ageMs > limitMs, lastCycleAt: summary.updatedAt, ageMs };
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
