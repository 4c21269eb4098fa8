import type { FieldProblem } from "../config/issues.js";
import { errorReply, invalid, json, jsonContentType, profileNotFound, type HttpReply } from "./reply.js";
import { jsonBodyOf, profileIdOf, type RequestLike } from "./request.js";

/** What an on-demand use case answers (lib/on-demand's OnDemand<T>). */
export type ActionResult<T> = { kind: "done"; value: T } | { kind: "not-found" } | { kind: "invalid"; problems: FieldProblem[] } | { kind: "busy"; message: string };

/**
 * The shape every POST on a profile shares: a valid route id before any table call, an optional JSON body,
 * then 404 for an unknown profile, 400 naming every wrong field, or 200 with the result.
 */
export async function profileAction<T>(
  request: RequestLike,
  run: (profileId: string, body: unknown) => Promise<ActionResult<T>>,
  shape: (value: T, profileId: string) => unknown,
): Promise<HttpReply> {
  const id = profileIdOf(request);
  if (!id.ok) return id.reply;
  const body = await jsonBodyOf(request);
  if (!body.ok) return body.reply;
  const result = await run(id.value, body.value);
  switch (result.kind) {
    case "not-found":
      return profileNotFound(id.value);
    case "invalid":
      return invalid("invalid-request", result.problems);
    case "busy":
      return { ...errorReply(409, "profile-busy", result.message), headers: { "content-type": jsonContentType, "cache-control": "no-store", "retry-after": "60" } };
    case "done":
      return json(200, shape(result.value, id.value));
  }
}
