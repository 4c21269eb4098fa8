import { httpFunction } from "../app/declarations.js";

/**
 * PUT /api/profiles/{id}: imports a profile file (the body); 201 created, 200 updated (with `warnings` naming a secret
 * setting the app does not hold), 400 naming every wrong field.
 */
export const profilePut = httpFunction({
  name: "profilePut",
  route: "profiles/{id}",
  methods: ["PUT"],
  authLevel: "admin",
  handler: async (context, request) => {
    const [{ importProfile }, { readOnlyReason }, { profileIdOf, jsonBodyOf }, { invalid, json, errorReply }] = await Promise.all([
      import("../lib/profiles/import.js"),
      import("../lib/profiles/dataverse-lock.js"),
      import("../lib/http/request.js"),
      import("../lib/http/reply.js"),
    ]);
    const id = profileIdOf(request);
    if (!id.ok) return id.reply;
    const document = await jsonBodyOf(request, { required: "a profile document" });
    if (!document.ok) return document.reply;
    const readOnly = await readOnlyReason(context.storage, id.value);
    if (readOnly !== undefined) return errorReply(409, "profile-from-dataverse", readOnly);
    const result = await importProfile(context.storage, document.value, { id: id.value, now: context.now(), env: context.env });
    if (!result.ok) return invalid("invalid-profile", result.problems);
    return json(result.created ? 201 : 200, result, { location: `/api/profiles/${id.value}` });
  },
});
