import type { FieldProblem } from "../config/issues.js";

/** What a handler answers, as plain data the Functions host and the local host take unchanged. */
export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  jsonBody?: unknown;
}

export const jsonContentType = "application/json; charset=utf-8";

/** The one body every 4xx/5xx carries: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: FieldProblem[] };
}

export function errorReply(status: number, code: string, message: string, details?: FieldProblem[]): HttpReply {
  const error: ErrorBody["error"] = { code, message };
  if (details !== undefined) error.details = details;
  return { status, headers: { "content-type": jsonContentType, "cache-control": "no-store" }, body: JSON.stringify({ error } satisfies ErrorBody) };
}

/** 400 naming every wrong field. */
export const invalid = (code: string, details: FieldProblem[]): HttpReply =>
  errorReply(400, code, `The request is not valid: ${details.map((d) => `${d.field} ${d.message}`).join("; ")}`, details);

export const profileNotFound = (profileId: string): HttpReply => errorReply(404, "profile-not-found", `No profile ${profileId}`);

export const json = (status: number, value: unknown, headers?: Record<string, string>): HttpReply =>
  headers === undefined ? { status, jsonBody: value } : { status, jsonBody: value, headers };
