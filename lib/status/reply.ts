import type { FieldProblem } from "../config/issues.js";
import { matchesIfNoneMatch } from "./etag.js";
import type { Rendered } from "./snapshot.js";

/** What a status function answers, as plain data (functions/ hands it to the host unchanged). */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export const jsonContentType = "application/json; charset=utf-8";

/** 200 with the rendered body, or 304 with no body when the client already holds this representation. */
export function cachedReply(rendered: Rendered, ifNoneMatch: string | null, ttlSeconds: number, contentType = jsonContentType): HttpReply {
  const headers = { etag: rendered.etag, "cache-control": `private, max-age=${ttlSeconds}` };
  if (matchesIfNoneMatch(ifNoneMatch, rendered.etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, "content-type": contentType }, body: rendered.body };
}

function errorReply(status: number, document: object): HttpReply {
  return { status, headers: { "content-type": jsonContentType, "cache-control": "no-store" }, body: JSON.stringify(document) };
}

export const badQuery = (problems: FieldProblem[]): HttpReply => errorReply(400, { error: "invalid-query", problems });
export const badProfileId = (problem: FieldProblem): HttpReply => errorReply(400, { error: "invalid-profile-id", problems: [problem] });
export const notFound = (profileId: string): HttpReply => errorReply(404, { error: "not-found", profileId });
