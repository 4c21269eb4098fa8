import { longestServerWaitMs } from "../model/failure.js";

/** Retry-After as delay-seconds or an HTTP-date, in milliseconds from `now`, at most `longestServerWaitMs`. */
export function retryAfter(value: string | undefined, now: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, longestServerWaitMs);
  // An HTTP-date always names a day or month; this keeps Date.parse from reading "-5" as a year.
  const at = /[a-z]/i.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), longestServerWaitMs);
}
