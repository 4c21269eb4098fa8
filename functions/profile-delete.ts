import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/profiles/delete.js")), ...(await import("../lib/profiles/id.js")) }));

/** DELETE /api/profiles/{id}: the profile and everything stored about it; 204, or 404 when there is none. */
httpFunction("profileDelete", {
  route: "profiles/{id}",
  methods: ["DELETE"],
  authLevel: "admin",
  handler: async (request) => {
    const { runtime, removeProfile, checkProfileId } = await lib();
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return { status: 400, jsonBody: { error: "invalid-profile-id", problems: [badId] } };
    const outcome = await removeProfile(runtime().storage, id);
    return outcome === "deleted" ? { status: 204 } : { status: 404, jsonBody: { error: "profile-not-found", id } };
  },
});
