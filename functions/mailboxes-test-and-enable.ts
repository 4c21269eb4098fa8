import { httpFunction } from "../app/declarations.js";

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approves, tests, and enables or disables mailboxes. */
export const mailboxesTestAndEnable = httpFunction({
  name: "mailboxesTestAndEnable",
  route: "profiles/{id}/mailboxes/test-and-enable",
  methods: ["POST"],
  authLevel: "admin",
  handler: async (context, request) => {
    const [{ testAndEnable }, { profileAction }] = await Promise.all([import("../lib/on-demand/test-and-enable.js"), import("../lib/http/profile-action.js")]);
    return profileAction(request, (id, body) => testAndEnable(context, id, body), (mailboxes, profile) => ({ profile, mailboxes }));
  },
});
