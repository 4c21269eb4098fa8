import { limitOf, placeFreed, tellLastStarted, type Places } from "./places.js";

/**
 * Runs work items with at most `places` at a time, taking the first item in `before` order each time a place
 * frees up. A running item may add items (`add`); they take their place in that order among the items still
 * waiting. Resolves when nothing waits and nothing runs. One item's exception never stops the others; they are
 * thrown together at the end.
 */
export async function runWorkQueue<T>(
  initial: readonly T[],
  places: Places,
  before: (a: T, b: T) => number,
  work: (item: T, add: (item: T) => void) => Promise<void>,
): Promise<void> {
  const limit = limitOf(places);
  const waiting = [...initial].sort(before);
  const errors: unknown[] = [];
  let running = 0;
  let wake: (() => void) | undefined;
  const add = (item: T): void => {
    waiting.splice(insertionPoint(waiting, item, before), 0, item);
    wake?.();
  };
  const worker = async (held?: Promise<unknown>): Promise<void> => {
    if (held !== undefined) await held;
    for (;;) {
      const item = waiting.shift();
      if (item === undefined) {
        if (running === 0) {
          wake?.();
          return;
        }
        // Nothing to start now, but a running item may still add one: wait for it (or for the end).
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => {
            wake = undefined;
            previous?.();
            resolve();
          };
        });
        continue;
      }
      running += 1;
      if (waiting.length === 0) tellLastStarted(places);
      try {
        await work(item, add);
      } catch (error) {
        errors.push(error);
      } finally {
        running -= 1;
        if (running === 0 && waiting.length === 0) wake?.();
      }
    }
  };
  const freed = placeFreed(places);
  await Promise.all(Array.from({ length: Math.max(1, limit) }, (_, i) => worker(i === 0 ? freed : undefined)));
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} work items failed unexpectedly`);
}

/** After every item that does not come after `item`: equal items keep the order they were added in. */
function insertionPoint<T>(sorted: readonly T[], item: T, before: (a: T, b: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(sorted[mid]!, item) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
