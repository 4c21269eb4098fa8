import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => {
  const [{ runtime }, { testAndEnable }, { profileAction }] = await Promise.all([
    import("../lib/runtime.js"),
    import("../lib/on-demand/test-and-enable.js"),
    import("../lib/profile-action.js"),
  ]);
  return profileAction((id, body) => testAndEnable(runtime(), id, body), (mailboxes, profile) => ({ profile, mailboxes }));
});

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approves, tests, and enables or disables mailboxes. */
httpFunction("mailboxesTestAndEnable", {
  route: "profiles/{id}/mailboxes/test-and-enable",
  methods: ["POST"],
  authLevel: "admin",
  handler: async (request) => (await lib())(request),
});
