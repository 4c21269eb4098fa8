import { httpFunction } from "../app/declarations.js";

/** POST /api/profiles/{id}/test-connection: runs Test Connection now; the body may list mailboxes to check too. */
export const profileTestConnection = httpFunction({
  name: "profileTestConnection",
  route: "profiles/{id}/test-connection",
  methods: ["POST"],
  authLevel: "admin",
  handler: async (context, request) => {
    const [{ testConnectionNow }, { profileAction }] = await Promise.all([import("../lib/on-demand/test-connection.js"), import("../lib/http/profile-action.js")]);
    return profileAction(request, (id, body) => testConnectionNow(context, id, body), (report) => report);
  },
});
