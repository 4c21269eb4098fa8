/**
 * How many pieces of work may run at a time: `limit`, or `limit` with one place held by other work (the cycle's
 * Test Connection) until `heldUntil` settles, however that work ends. `lastStarted` is told when the last piece of
 * work waiting has been started (it may be told again if more work is added later).
 */
export type Places = number | { limit: number; heldUntil?: Promise<unknown>; lastStarted?: () => void };

export const limitOf = (places: Places): number => (typeof places === "number" ? places : places.limit);

/** When the held place comes free; undefined when no place is held. */
export const placeFreed = (places: Places): Promise<void> | undefined => (typeof places === "number" ? undefined : places.heldUntil?.then(noop, noop));

/** Tells whoever asked that the last piece of work has been started. */
export const tellLastStarted = (places: Places): void => {
  if (typeof places !== "number") places.lastStarted?.();
};

/** The same places, telling `lastStarted` (instead of whoever asked) when their last piece of work has started. */
export const withLastStarted = (places: Places, lastStarted: () => void): Places =>
  typeof places === "number" ? { limit: places, lastStarted } : { ...places, lastStarted };

/** One hook for each of `count` pools that share the work of `places`: `places` is told once every pool has told. */
export function lastStartedOfEach(places: Places, count: number): (() => void)[] {
  const told = new Set<number>();
  return Array.from({ length: count }, (_, pool) => () => {
    told.add(pool);
    if (told.size === count) tellLastStarted(places);
  });
}

/** The same places with `limit` changed (a share of them), still holding the held place. */
export const withLimit = (places: Places, limit: number): Places => (typeof places === "number" ? limit : { ...places, limit });

const noop = (): void => undefined;
