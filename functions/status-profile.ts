import { httpFunction } from "../app/registry.js";
import { runtime } from "../lib/runtime.js";
import { statusService } from "../lib/status/service.js";

/** GET /api/status/{profileId}: one profile's status with its failing mailboxes, mailbox states and recent alerts. */
httpFunction("statusProfile", {
  route: "status/{profileId}",
  methods: ["GET"],
  authLevel: "function",
  handler: (request) => statusService(runtime()).profile(request.params.profileId ?? "", request.headers.get("if-none-match")),
});
