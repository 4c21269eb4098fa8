import { parseJsonText } from "../config/json-text.js";
import { checkProfileId } from "../profiles/id.js";
import { invalid, type HttpReply } from "./reply.js";

/** The parts of a host's request the adapters read (HttpRequest of @azure/functions has them all). */
export interface RequestLike {
  params: Record<string, string | undefined>;
  text(): Promise<string>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: HttpReply };

/** The route's profile id, checked before any table call. */
export function profileIdOf(request: Pick<RequestLike, "params">, param = "id"): Parsed<string> {
  const id = request.params[param] ?? "";
  const problem = checkProfileId(id, param);
  return problem === undefined ? { ok: true, value: id } : { ok: false, reply: invalid("invalid-profile-id", [problem]) };
}

/**
 * The body as JSON. An optional body that is empty is `undefined`; `what` says what a required body must be
 * ("a profile document"), and the message names it.
 */
export async function jsonBodyOf(request: Pick<RequestLike, "text">, options: { required?: string } = {}): Promise<Parsed<unknown>> {
  const text = await request.text();
  if (options.required === undefined && text.trim() === "") return { ok: true, value: undefined };
  const parsed = parseJsonText(text);
  if (parsed.ok) return { ok: true, value: parsed.value };
  const message = `must be ${options.required ?? "JSON"}${options.required === undefined ? "" : " in JSON"}, and ${parsed.message}`;
  return { ok: false, reply: invalid("invalid-json", [{ field: "body", message }]) };
}
