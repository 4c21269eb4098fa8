import { limitOf, placeFreed, tellLastStarted, type Places } from "./places.js";

/** What one item's work came to: its value, or what it threw. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * The one bounded worker pool: runs `work` over `items` with at most `places` at a time, and answers each item's
 * result in the items' order. One item's exception never stops the others.
 */
export async function settleInParallel<T, R>(items: readonly T[], places: Places, work: (item: T) => Promise<R>): Promise<Settled<R>[]> {
  const limit = limitOf(places);
  const freed = placeFreed(places);
  const settled: Settled<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (held?: Promise<unknown>) => {
    if (held !== undefined) await held;
    while (next < items.length) {
      const index = next++;
      if (next === items.length) tellLastStarted(places);
      try {
        settled[index] = { ok: true, value: await work(items[index]!) };
      } catch (error) {
        settled[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, i) => worker(i === 0 ? freed : undefined)));
  return settled;
}

/** The pool for work that should not fail: every item is done, then the exceptions, if any, are thrown together. */
export async function inParallel<T>(items: readonly T[], places: Places, work: (item: T) => Promise<void>): Promise<void> {
  const errors = errorsOf(await settleInParallel(items, places, work));
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${items.length} tasks failed unexpectedly`);
}

export function errorsOf(settled: readonly Settled<unknown>[]): unknown[] {
  return settled.flatMap((s) => (s.ok ? [] : [s.error]));
}
