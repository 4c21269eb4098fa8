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
