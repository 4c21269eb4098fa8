import { errorReply, type HttpReply } from "./reply.js";

/** How long an HTTP function lets storage keep one request unanswered before it answers 503 (health uses 3 s too). */
export const storageDeadlineMs = 3_000;

/** What the deadline watches: how long storage has kept its oldest request waiting (lib/store/storage.ts `pending`). */
export interface StorageWait {
  oldestWaitMs(): number;
}

export const storageUnavailable = (reason: string): HttpReply =>
  errorReply(503, "storage-unavailable", `Storage is not available: ${reason}. Nothing was changed by this request that storage did not confirm; try again later.`);

/**
 * Runs an HTTP function's work and answers for it: its own reply; or 503 `storage-unavailable` once the work has
 * waited `deadlineMs` while storage keeps a request unanswered that long (the SDK would wait and retry for much longer), or when the work fails
 * because storage failed. Work that waits on something else (Exchange, for Test Connection) is not cut short.
 */
export async function answerWithinStorageDeadline<R>(
  wait: StorageWait,
  work: () => Promise<R>,
  options: { deadlineMs?: number; pollMs?: number } = {},
): Promise<R | HttpReply> {
  const deadlineMs = options.deadlineMs ?? storageDeadlineMs;
  const pollMs = options.pollMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  // Both: this work has waited that long, and storage has kept a request that long (a request left hanging before
  // storage came back must not turn away work that storage now answers).
  const stalled = new Promise<HttpReply>((resolve) => {
    timer = setInterval(() => {
      if (Date.now() - started >= deadlineMs && wait.oldestWaitMs() >= deadlineMs) resolve(storageUnavailable(`it did not answer within ${deadlineMs / 1000} s`));
    }, pollMs);
  });
  const done = work().catch((error: unknown) => {
    const reason = storageFailure(error);
    if (reason === undefined) throw error;
    return storageUnavailable(reason);
  });
  try {
    return await Promise.race([done, stalled]);
  } finally {
    clearInterval(timer);
    // The work goes on after a 503 (storage may still answer); whatever it ends with is no one's reply now.
    done.catch(() => undefined);
  }
}

/** A failure of storage itself (no answer, refused, 5xx, not configured), in words; undefined for anything else. */
export function storageFailure(error: unknown): string | undefined {
  const e = error as { name?: unknown; statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (e?.name === "StorageNotConfigured") return String(e.message);
  if (e?.name !== "RestError") return undefined;
  const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
  if (status !== undefined && status < 500) return undefined;
  const what = status !== undefined ? `it answered ${status}` : typeof e.code === "string" ? `it could not be reached (${e.code})` : "it could not be reached";
  return what;
}
