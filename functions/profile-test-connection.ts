import { httpFunction } from "../app/registry.js";
import { testConnectionNow } from "../lib/probe/on-demand.js";
import { profileAction } from "../lib/profile-action.js";
import { runtime } from "../lib/runtime.js";

/** POST /api/profiles/{id}/test-connection: runs Test Connection now; the body may list mailboxes to check too. */
httpFunction("profileTestConnection", {
  route: "profiles/{id}/test-connection",
  methods: ["POST"],
  authLevel: "admin",
  handler: profileAction((id, body) => testConnectionNow(runtime(), id, body), (report) => report),
});
