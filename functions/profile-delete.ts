import { httpFunction } from "../app/declarations.js";

/** DELETE /api/profiles/{id}: the profile and everything stored about it; 204, or 404 when there is none. */
export const profileDelete = httpFunction({
  name: "profileDelete",
  route: "profiles/{id}",
  methods: ["DELETE"],
  authLevel: "admin",
  handler: async (context, request) => {
    const [{ removeProfile }, { profileIdOf }, { profileNotFound }] = await Promise.all([
      import("../lib/profiles/delete.js"),
      import("../lib/http/request.js"),
      import("../lib/http/reply.js"),
    ]);
    const id = profileIdOf(request);
    if (!id.ok) return id.reply;
    return (await removeProfile(context.storage, id.value)) === "deleted" ? { status: 204 } : profileNotFound(id.value);
  },
});
