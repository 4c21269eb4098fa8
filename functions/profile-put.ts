import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/profiles/id.js")), ...(await import("../lib/profiles/import.js")) }));

/** PUT /api/profiles/{id}: imports a profile file (the body); 201 created, 200 updated, 400 naming every wrong field. */
httpFunction("profilePut", {
  route: "profiles/{id}",
  methods: ["PUT"],
  authLevel: "admin",
  handler: async (request) => {
    const { runtime, checkProfileId, importProfile } = await lib();
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return { status: 400, jsonBody: { error: "invalid-profile-id", problems: [badId] } };
    let document: unknown;
    try {
      document = JSON.parse(await request.text());
    } catch (error) {
      const message = `must be a profile document in JSON: ${(error as Error).message}`;
      return { status: 400, jsonBody: { error: "invalid-json", problems: [{ field: "body", message }] } };
    }
    const { storage, now } = runtime();
    const result = await importProfile(storage, document, { id, now: now() });
    if (!result.ok) return { status: 400, jsonBody: { error: "invalid-profile", problems: result.problems } };
    return { status: result.created ? 201 : 200, jsonBody: result, headers: { location: `/api/profiles/${id}` } };
  },
});
