/**
 * A small in-process cache: a value is reused for `ttlMs` after its load finished, and concurrent misses
 * share ONE load (single flight). A failed load is not kept, so the next request tries again.
 * At most `maxEntries` keys are kept; beyond that the oldest key is dropped.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  clear(): void;
}

type Entry<T> = { kind: "loading"; promise: Promise<T> } | { kind: "ready"; promise: Promise<T>; expiresAt: number };

export function ttlCache<T>(options: { ttlMs: number; now: () => number; maxEntries?: number }): TtlCache<T> {
  const entries = new Map<string, Entry<T>>();
  const maxEntries = options.maxEntries ?? 1000;

  function start(key: string, load: () => Promise<T>): Promise<T> {
    const promise = load();
    const entry: Entry<T> = { kind: "loading", promise };
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    promise.then(
      () => {
        if (entries.get(key) === entry) entries.set(key, { kind: "ready", promise, expiresAt: options.now() + options.ttlMs });
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return promise;
  }

  return {
    get(key, load) {
      const entry = entries.get(key);
      if (entry !== undefined && (entry.kind === "loading" || options.now() < entry.expiresAt)) return entry.promise;
      return start(key, load);
    },
    clear() {
      entries.clear();
    },
  };
}
