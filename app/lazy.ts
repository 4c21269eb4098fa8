/**
 * Loads the modules a function needs on its first invocation, not when the app is imported: the Functions host
 * imports every function file at start, and the storage, HTTP and XML libraries behind them cost far more than
 * the host's own package.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
