import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => {
  const [{ runtime }, { testConnectionNow }, { profileAction }] = await Promise.all([
    import("../lib/runtime.js"),
    import("../lib/on-demand/test-connection.js"),
    import("../lib/profile-action.js"),
  ]);
  return profileAction((id, body) => testConnectionNow(runtime(), id, body), (report) => report);
});

/** POST /api/profiles/{id}/test-connection: runs Test Connection now; the body may list mailboxes to check too. */
httpFunction("profileTestConnection", {
  route: "profiles/{id}/test-connection",
  methods: ["POST"],
  authLevel: "admin",
  handler: async (request) => (await lib())(request),
});
