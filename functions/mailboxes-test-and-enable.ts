import { httpFunction } from "../app/registry.js";
import { testAndEnable } from "../lib/probe/on-demand.js";
import { profileAction } from "../lib/profile-action.js";
import { runtime } from "../lib/runtime.js";

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approves, tests, and enables or disables mailboxes. */
httpFunction("mailboxesTestAndEnable", {
  route: "profiles/{id}/mailboxes/test-and-enable",
  methods: ["POST"],
  authLevel: "admin",
  handler: profileAction((id, body) => testAndEnable(runtime(), id, body), (mailboxes, profile) => ({ profile, mailboxes })),
});
