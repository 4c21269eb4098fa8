import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/profiles/export.js")), ...(await import("../lib/profiles/id.js")) }));

/** GET /api/profiles/{id}: the profile file of a stored profile (setting names only, never secret values). */
httpFunction("profileGet", {
  route: "profiles/{id}",
  methods: ["GET"],
  authLevel: "admin",
  handler: async (request) => {
    const { runtime, exportProfile, checkProfileId } = await lib();
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return { status: 400, jsonBody: { error: "invalid-profile-id", problems: [badId] } };
    const document = await exportProfile(runtime().storage, id);
    if (document === undefined) return { status: 404, jsonBody: { error: "profile-not-found", id } };
    return { status: 200, jsonBody: document };
  },
});
