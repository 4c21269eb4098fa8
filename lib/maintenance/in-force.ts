import { instantOf, zoneClock, type ZoneClock } from "./zone-clock.js";
import { isWeekly, weekDays, type MaintenanceWindow, type WeeklyWindow } from "./window.js";

/**
 * When maintenance windows are in force.
 *
 * A weekly window is one continuous stretch of time per week: it opens the first moment the local clock
 * shows `from` and closes the last moment it shows `to`. On the night the clocks go forward it is
 * shorter by the skipped hour (a time inside the skipped hour means the moment the clock jumps past it,
 * shifted by the gap: 02:30 → 03:30); on the night they go back it is longer by the repeated hour when
 * it spans it (an end inside the repeated hour means its second pass, a start its first).
 *
 * An hour counts as maintenance when any window overlaps any part of it: planned work must not page
 * anyone, and a 20-minute window at 02:10 makes the 02:00 hour's failures the work's, not an outage's.
 */

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** One time a window is in force: [start, end). */
export interface Occurrence {
  window: MaintenanceWindow;
  start: Date;
  end: Date;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function weeklyOccurrences(window: WeeklyWindow, clock: ZoneClock, from: number, to: number): Occurrence[] {
  const day = weekDays.indexOf(window.day);
  const fromMin = minutesOf(window.from);
  const toMin = minutesOf(window.to);
  const span = (toMin <= fromMin ? toMin + 24 * 60 : toMin) * minuteMs;
  const occurrences: Occurrence[] = [];
  // Local dates whose window could meet [from, to): offsets lie within ±14 h and a window lasts at most a day.
  const first = Math.floor((from - 2 * dayMs) / dayMs) * dayMs;
  for (let date = first; date <= to + dayMs; date += dayMs) {
    if (new Date(date).getUTCDay() !== day) continue;
    const start = instantOf(clock, date + fromMin * minuteMs, "earlier");
    const end = instantOf(clock, date + span, "later");
    if (start < to && end > from && end > start) occurrences.push({ window, start: new Date(start), end: new Date(end) });
  }
  return occurrences;
}

/** Every time a window is in force that overlaps [from, to), oldest first. */
export function occurrencesBetween(windows: readonly MaintenanceWindow[], from: Date, to: Date): Occurrence[] {
  const a = from.getTime();
  const b = to.getTime();
  const clocks = new Map<string, ZoneClock>();
  const found: Occurrence[] = [];
  for (const window of windows) {
    if (isWeekly(window)) {
      let clock = clocks.get(window.timeZone);
      if (clock === undefined) clocks.set(window.timeZone, (clock = zoneClock(window.timeZone)));
      found.push(...weeklyOccurrences(window, clock, a, b));
    } else {
      const start = Date.parse(window.start);
      const end = Date.parse(window.end);
      if (start < b && end > a) found.push({ window, start: new Date(start), end: new Date(end) });
    }
  }
  return found.sort((x, y) => x.start.getTime() - y.start.getTime());
}

/** The occurrence in force at `at` (the one that ends last when several are), or undefined. */
export function occurrenceAt(windows: readonly MaintenanceWindow[], at: Date): Occurrence | undefined {
  const inForce = occurrencesBetween(windows, at, new Date(at.getTime() + 1));
  return inForce.sort((x, y) => y.end.getTime() - x.end.getTime())[0];
}

/** The window in force at `at`, or undefined. */
export function activeWindow(windows: readonly MaintenanceWindow[], at: Date): MaintenanceWindow | undefined {
  return occurrenceAt(windows, at)?.window;
}

/** True when any window overlaps [from, to): the notifier asks this for its last 60 minutes. */
export function overlapsMaintenance(windows: readonly MaintenanceWindow[], from: Date, to: Date): boolean {
  return occurrencesBetween(windows, from, to).length > 0;
}

/** True when any window overlaps the clock hour that starts at `hourStart` (see the rule above). */
export function hourInMaintenance(windows: readonly MaintenanceWindow[], hourStart: Date): boolean {
  return overlapsMaintenance(windows, hourStart, new Date(hourStart.getTime() + hourMs));
}
