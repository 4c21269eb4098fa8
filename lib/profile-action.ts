import type { FieldProblem } from "./config/issues.js";
import { readJsonBody } from "./http-body.js";
import { checkProfileId } from "./profiles/id.js";
import type { OnDemand } from "./on-demand/outcome.js";

export interface ActionRequest {
  params: Record<string, string | undefined>;
  text(): Promise<string>;
}

export interface ActionReply {
  status: number;
  jsonBody: unknown;
}

/**
 * The shape every POST on a profile shares: a valid route id before any table call, an optional JSON body,
 * then 404 for an unknown profile, 400 naming every wrong field, or 200 with the result.
 */
export function profileAction<T>(run: (profileId: string, body: unknown) => Promise<OnDemand<T>>, shape: (value: T, profileId: string) => unknown) {
  return async (request: ActionRequest): Promise<ActionReply> => {
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return problems(400, "invalid-profile-id", [badId]);
    const body = await readJsonBody(request);
    if (!body.ok) return problems(400, "invalid-json", [body.problem]);
    const result = await run(id, body.value);
    switch (result.kind) {
      case "not-found":
        return { status: 404, jsonBody: { error: "not-found", message: `No profile ${id}` } };
      case "invalid":
        return problems(400, "invalid-request", result.problems);
      case "done":
        return { status: 200, jsonBody: shape(result.value, id) };
    }
  };
}

function problems(status: number, error: string, list: FieldProblem[]): ActionReply {
  return { status, jsonBody: { error, problems: list } };
}
