import { httpFunction } from "../app/registry.js";
import { removeProfile } from "../lib/profiles/delete.js";
import { checkProfileId } from "../lib/profiles/id.js";
import { runtime } from "../lib/runtime.js";

/** DELETE /api/profiles/{id}: the profile and everything stored about it; 204, or 404 when there is none. */
httpFunction("profileDelete", {
  route: "profiles/{id}",
  methods: ["DELETE"],
  authLevel: "admin",
  handler: async (request) => {
    const id = request.params.id ?? "";
    const badId = checkProfileId(id);
    if (badId !== undefined) return { status: 400, jsonBody: { error: "invalid-profile-id", problems: [badId] } };
    const outcome = await removeProfile(runtime().storage, id);
    return outcome === "deleted" ? { status: 204 } : { status: 404, jsonBody: { error: "profile-not-found", id } };
  },
});
