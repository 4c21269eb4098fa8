/**
 * How many pieces of work may run at a time: `limit`, or `limit` with one place held by other work (the cycle's
 * Test Connection) until `heldUntil` settles, however that work ends.
 */
export type Places = number | { limit: number; heldUntil: Promise<unknown> };

export const limitOf = (places: Places): number => (typeof places === "number" ? places : places.limit);

/** When the held place comes free; undefined when no place is held. */
export const placeFreed = (places: Places): Promise<void> | undefined => (typeof places === "number" ? undefined : places.heldUntil.then(noop, noop));

/** The same places with `limit` changed (a share of them), still holding the held place. */
export const withLimit = (places: Places, limit: number): Places => (typeof places === "number" ? limit : { limit, heldUntil: places.heldUntil });

const noop = (): void => undefined;
