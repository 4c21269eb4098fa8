import type { Storage } from "./store/storage.js";

export type StorageHealth = { ok: true; elapsedMs: number } | { ok: false; elapsedMs: number; error: string };

export interface HealthReport {
  status: "ok" | "unhealthy";
  version: string;
  storage: StorageHealth;
}

/** Asks Table Storage one cheap question, so a health probe proves the whole path works. */
export async function checkHealth(storage: Storage, version: string): Promise<HealthReport> {
  const started = performance.now();
  let health: StorageHealth;
  try {
    const profiles = await storage.table("profiles");
    const page = profiles
      .listEntities({ queryOptions: { select: ["PartitionKey"] }, abortSignal: AbortSignal.timeout(3_000) })
      .byPage({ maxPageSize: 1 });
    await page.next();
    health = { ok: true, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    health = { ok: false, elapsedMs: Math.round(performance.now() - started), error: describeStorageError(error) };
  }
  return { status: health.ok ? "ok" : "unhealthy", version, storage: health };
}

/** Storage errors can quote the request; keep only what says what went wrong, never a key or signature. */
function describeStorageError(error: unknown): string {
  const e = error as { code?: string; statusCode?: number; message?: string; name?: string };
  const parts = [e.name, e.code, e.statusCode === undefined ? undefined : `HTTP ${e.statusCode}`].filter(Boolean);
  const first = (e.message ?? "").split("\n")[0]!.replace(/(sig|AccountKey|SharedAccessSignature)=[^;&\s]+/gi, "$1=[hidden]").slice(0, 200);
  return [...parts, first].filter(Boolean).join(": ");
}
