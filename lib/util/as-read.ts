/**
 * Items read in pages, to be worked on as they come: the first page in hand, and the pages after it once read (empty
 * when there were none). `rest` may reject: whoever takes the items takes that failure too.
 */
export interface AsRead<T> {
  first: readonly T[];
  rest: Promise<readonly T[]>;
}

/** Every item in hand now, or as read. */
export type ItemSource<T> = readonly T[] | AsRead<T>;

export const isAsRead = <T>(source: ItemSource<T>): source is AsRead<T> => !Array.isArray(source);

/** Every item, once the last page is read. */
export async function allOf<T>(source: ItemSource<T>): Promise<T[]> {
  return isAsRead(source) ? [...source.first, ...(await source.rest)] : [...source];
}

/** The same pages mapped (`map` runs on the rest once it is read). */
export function mapAsRead<T, U>(source: AsRead<T>, map: (items: readonly T[]) => U[]): AsRead<U> {
  return { first: map(source.first), rest: handled(source.rest.then(map)) };
}

/** Settles once the last page is read, or the read failed (whoever takes the rest takes that failure). */
export function readEnded<T>(source: ItemSource<T>): Promise<void> {
  return isAsRead(source) ? source.rest.then(noop, noop) : Promise.resolve();
}

const noop = (): void => undefined;

/**
 * A promise whose failure its taker handles later: until then it is not reported as unhandled (a rest that fails
 * before anyone waits for it would otherwise end the process).
 */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
