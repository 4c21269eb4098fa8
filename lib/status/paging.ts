import type { FieldProblem } from "../config/issues.js";
import { checkProfileId } from "../profiles/id.js";

/** `?top=` and `?continuation=` of GET /api/status, checked before anything is read. */
export const defaultTop = 100;
export const maxTop = 1000;

export interface PageRequest {
  top: number;
  /** Profiles with an id greater than this one; undefined starts at the first. */
  after?: string;
}

export type PageQuery = { kind: "valid"; page: PageRequest } | { kind: "invalid"; problems: FieldProblem[] };

export function parsePageQuery(top: string | null, continuation: string | null): PageQuery {
  const problems: FieldProblem[] = [];
  let size = defaultTop;
  if (top !== null) {
    if (/^\d{1,4}$/.test(top) && Number(top) >= 1 && Number(top) <= maxTop) size = Number(top);
    else problems.push({ field: "top", message: `must be a whole number from 1 to ${maxTop}` });
  }
  let after: string | undefined;
  if (continuation !== null) {
    after = decodeContinuation(continuation);
    if (after === undefined) problems.push({ field: "continuation", message: "is not a continuation token this API issued" });
  }
  if (problems.length > 0) return { kind: "invalid", problems };
  return { kind: "valid", page: after === undefined ? { top: size } : { top: size, after } };
}

/**
 * The token names the last profile id of the page it follows (not an offset), so a profile added or removed
 * between two calls neither repeats nor hides another. It is opaque to clients: base64url of a small JSON.
 */
export function encodeContinuation(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastId }), "utf8").toString("base64url");
}

export function decodeContinuation(token: string): string | undefined {
  if (token.length === 0 || token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (typeof value !== "object" || value === null) return undefined;
    const { v, after } = value as { v?: unknown; after?: unknown };
    if (v !== 1 || typeof after !== "string" || checkProfileId(after) !== undefined) return undefined;
    return after;
  } catch {
    return undefined;
  }
}

/** Index of the first id greater than `after` in ids sorted ascending. */
export function firstAfter(sortedIds: readonly string[], after: string | undefined): number {
  if (after === undefined) return 0;
  let lo = 0;
  let hi = sortedIds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedIds[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
