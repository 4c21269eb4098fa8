/**
 * Local wall-clock time ↔ instants in an IANA time zone, with Intl only. A "local time" here is the
 * wall-clock reading expressed as milliseconds as if it were UTC (Date.UTC(y, m, d, h, min)).
 */

const dayMs = 86_400_000;

/** True when Intl knows the zone (IANA names and their aliases, such as UTC or Europe/Berlin). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Reads a zone's UTC offset at any instant; made once per evaluation, never shared between calls. */
export interface ZoneClock {
  offsetMs(instant: number): number;
}

export function zoneClock(timeZone: string): ZoneClock {
  const format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  return {
    offsetMs(instant) {
      const name = format.formatToParts(instant).find((p) => p.type === "timeZoneName")?.value ?? "";
      const match = /^GMT(?:([+\-\u2212])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
      if (match === null) throw new Error(`cannot read the UTC offset of ${timeZone} from "${name}"`);
      if (match[1] === undefined) return 0;
      const sign = match[1] === "+" ? 1 : -1;
      return sign * ((Number(match[2]) * 60 + Number(match[3])) * 60 + Number(match[4] ?? 0)) * 1000;
    },
  };
}

/**
 * Which instant a local time means when the clocks change. `earlier` / `later` choose between the two
 * instants of a repeated local time (autumn). A local time skipped in spring means the instant the same
 * distance past the change (02:30 in a 02:00→03:00 spring gap is 03:30), whichever is asked.
 */
export type Disambiguation = "earlier" | "later";

/**
 * The instant of a local time (after Temporal's GetPossibleInstantsFor: the offsets one day either side
 * are the only candidates, which holds wherever a zone changes its offset at most once in two days).
 */
export function instantOf(clock: ZoneClock, local: number, which: Disambiguation): number {
  const before = clock.offsetMs(local - dayMs);
  const after = clock.offsetMs(local + dayMs);
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => instant + clock.offsetMs(instant) === local)
    .sort((a, b) => a - b);
  if (candidates.length === 0) return local - before;
  return which === "earlier" ? candidates[0]! : candidates[candidates.length - 1]!;
}
