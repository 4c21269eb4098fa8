/**
 * Values made at most once per app context (a cache, a one-time import), instead of module-level holders. A
 * promise that rejects is forgotten, so the next caller tries again.
 */
export interface Once {
  get<T>(key: symbol, make: () => T): T;
}

export function createOnce(): Once {
  const values = new Map<symbol, unknown>();
  return {
    get<T>(key: symbol, make: () => T): T {
      if (values.has(key)) return values.get(key) as T;
      const value = make();
      values.set(key, value);
      if (value instanceof Promise) {
        value.catch(() => {
          if (values.get(key) === value) values.delete(key);
        });
      }
      return value;
    },
  };
}
