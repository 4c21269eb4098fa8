import { limitOf, placeFreed, tellLastStarted, type Places } from "./places.js";

/** What one item's work came to: its value, or what it threw. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * The one bounded worker pool: runs `work` over `items` with at most `places` at a time, and answers each item's
 * result in the items' order. One item's exception never stops the others. `more`: items still being read, taken
 * after `items` once they come (a place with nothing to do waits for them); if they cannot be read, the pool ends
 * with what it has and rejects with that error once the work started has ended.
 */
export async function settleInParallel<T, R>(items: readonly T[], places: Places, work: (item: T) => Promise<R>, more?: Promise<readonly T[]>): Promise<Settled<R>[]> {
  const limit = limitOf(places);
  const freed = placeFreed(places);
  const all = [...items];
  const settled: Settled<R>[] = [];
  let next = 0;
  let unread: { error: unknown } | undefined;
  let coming = more?.then(
    (read) => {
      all.push(...read);
      coming = undefined;
      if (next === all.length) tellLastStarted(places);
    },
    (error: unknown) => {
      unread = { error };
      coming = undefined;
    },
  );
  const worker = async (held?: Promise<unknown>) => {
    if (held !== undefined) await held;
    for (;;) {
      if (next === all.length) {
        if (coming === undefined) return;
        await coming;
        continue;
      }
      const index = next++;
      if (next === all.length && coming === undefined) tellLastStarted(places);
      try {
        settled[index] = { ok: true, value: await work(all[index]!) };
      } catch (error) {
        settled[index] = { ok: false, error };
      }
    }
  };
  const workers = Math.max(1, more === undefined ? Math.min(limit, items.length) : limit);
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i === 0 ? freed : undefined)));
  if (unread !== undefined) throw unread.error;
  return settled;
}

/** The pool for work that should not fail: every item is done, then the exceptions, if any, are thrown together. */
export async function inParallel<T>(items: readonly T[], places: Places, work: (item: T) => Promise<void>, more?: Promise<readonly T[]>): Promise<void> {
  const settled = await settleInParallel(items, places, work, more);
  const errors = errorsOf(settled);
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${settled.length} tasks failed unexpectedly`);
}

export function errorsOf(settled: readonly Settled<unknown>[]): unknown[] {
  return settled.flatMap((s) => (s.ok ? [] : [s.error]));
}
