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
  const deadline = AbortSignal.timeout(healthTimeoutMs);
  try {
    await Promise.race([askStorage(storage, deadline), timeout(deadline)]);
    health = { ok: true, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    health = { ok: false, elapsedMs: Math.round(performance.now() - started), error: describeStorageError(error) };
  }
  return { status: health.ok ? "ok" : "unhealthy", version, storage: health };
}

/** A health probe answers fast: storage that has not answered by then is unhealthy (the SDK would keep retrying). */
const healthTimeoutMs = 3_000;

async function askStorage(storage: Storage, signal: AbortSignal): Promise<void> {
  const profiles = await storage.table("profiles");
  await profiles.listEntities({ queryOptions: { select: ["PartitionKey"] }, abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
}

function timeout(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(Object.assign(new Error(`storage did not answer within ${healthTimeoutMs / 1000} s`), { name: "Timeout" }));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/** Storage errors can quote the request; keep only what says what went wrong, never a key or signature. */
function describeStorageError(error: unknown): string {
  const e = error as { code?: string; statusCode?: number; message?: string; name?: string };
  const parts = [e.name, e.code, e.statusCode === undefined ? undefined : `HTTP ${e.statusCode}`].filter(Boolean);
  const first = (e.message ?? "").split("\n")[0]!.replace(/(sig|AccountKey|SharedAccessSignature)=[^;&\s]+/gi, "$1=[hidden]").slice(0, 200);
  return [...parts, first].filter(Boolean).join(": ");
}
