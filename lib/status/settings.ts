import type { FieldProblem } from "../config/issues.js";

/** How long the status endpoints reuse one read of the rollups, unless STATUS_CACHE_SECONDS says otherwise. */
export const defaultCacheSeconds = 10;
export const maxCacheSeconds = 300;

export type CacheSetting = { kind: "valid"; seconds: number } | { kind: "invalid"; problem: FieldProblem };

/** STATUS_CACHE_SECONDS: a whole number of seconds from 0 (no reuse, but concurrent misses still share one read) to 300. */
export function cacheSetting(env: Record<string, string | undefined>): CacheSetting {
  const raw = env.STATUS_CACHE_SECONDS?.trim();
  if (raw === undefined || raw === "") return { kind: "valid", seconds: defaultCacheSeconds };
  if (!/^\d{1,6}$/.test(raw) || Number(raw) > maxCacheSeconds) {
    return { kind: "invalid", problem: { field: "STATUS_CACHE_SECONDS", message: `must be a whole number of seconds from 0 to ${maxCacheSeconds}` } };
  }
  return { kind: "valid", seconds: Number(raw) };
}
