import type { FieldProblem } from "./config/issues.js";

export type JsonBody = { ok: true; value: unknown } | { ok: false; problem: FieldProblem };

/** An optional JSON body: empty is `undefined`, anything else must parse. */
export async function readJsonBody(request: { text(): Promise<string> }): Promise<JsonBody> {
  const text = (await request.text()).trim();
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { field: "body", message: `must be JSON: ${(error as Error).message}` } };
  }
}
