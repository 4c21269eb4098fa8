import { httpFunction } from "../app/declarations.js";

/** GET /api/profiles/{id}: the profile file of a stored profile (setting names only, never secret values). */
export const profileGet = httpFunction({
  name: "profileGet",
  route: "profiles/{id}",
  methods: ["GET"],
  authLevel: "admin",
  handler: async (context, request) => {
    const [{ exportProfile }, { profileIdOf }, { json, profileNotFound }] = await Promise.all([
      import("../lib/profiles/export.js"),
      import("../lib/http/request.js"),
      import("../lib/http/reply.js"),
    ]);
    const id = profileIdOf(request);
    if (!id.ok) return id.reply;
    const document = await exportProfile(context.storage, id.value);
    return document === undefined ? profileNotFound(id.value) : json(200, document);
  },
});
