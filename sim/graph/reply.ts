import { randomUUID } from "node:crypto";

/** One Graph answer, as a single request's HTTP response or as one item of a $batch response. */
export interface GraphReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** As a $batch item, sent without its status. */
  malformed?: true;
}

const json = { "Content-Type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8" };

export function graphOk(body: unknown): GraphReply {
  return { status: 200, headers: { ...json, "Cache-Control": "private" }, body };
}

/** Graph's error shape: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}. */
export function graphError(status: number, code: string, message: string, clientRequestId?: string, headers: Record<string, string> = {}): GraphReply {
  const requestId = randomUUID();
  return {
    status,
    headers: { ...json, "request-id": requestId, "client-request-id": clientRequestId ?? requestId, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().slice(0, 19), "request-id": requestId, "client-request-id": clientRequestId ?? requestId },
      },
    },
  };
}

export const throttled = (code: string, retryAfterSeconds: number, message: string, clientRequestId?: string): GraphReply =>
  graphError(429, code, message, clientRequestId, { "Retry-After": String(retryAfterSeconds) });

export const unavailable = (retryAfterSeconds: number, clientRequestId?: string): GraphReply =>
  graphError(503, "ServiceUnavailable", "The service is temporarily unavailable. Please retry later.", clientRequestId, { "Retry-After": String(retryAfterSeconds) });
