import { httpFunction } from "../app/registry.js";
import { testAndEnable } from "../lib/probe/on-demand.js";
import { checkProfileId } from "../lib/profiles/id.js";
import { runtime } from "../lib/runtime.js";
import { readJsonBody } from "../lib/http-body.js";

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approves, tests, and enables or disables mailboxes. */
httpFunction("mailboxesTestAndEnable", {
  route: "profiles/{id}/mailboxes/test-and-enable",
  methods: ["POST"],
  authLevel: "admin",
  handler: async (request) => {
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return { status: 400, jsonBody: { error: "invalid-profile-id", problems: [badId] } };
    const body = await readJsonBody(request);
    if (!body.ok) return { status: 400, jsonBody: { error: "invalid-json", problems: [body.problem] } };
    const result = await testAndEnable(runtime(), id, body.value);
    switch (result.kind) {
      case "not-found":
        return { status: 404, jsonBody: { error: "not-found", message: `No profile ${id}` } };
      case "invalid":
        return { status: 400, jsonBody: { error: "invalid-request", problems: result.problems } };
      case "done":
        return { status: 200, jsonBody: { profile: id, mailboxes: result.value } };
    }
  },
});
