import { httpFunction } from "../app/declarations.js";

/** GET /api/status/{profileId}: one profile's status with its failing mailboxes, mailbox states and recent alerts. */
export const statusProfile = httpFunction({
  name: "statusProfile",
  route: "status/{profileId}",
  methods: ["GET"],
  authLevel: "function",
  handler: async (context, request) => {
    const { statusService } = await import("../lib/http/status.js");
    return statusService(context).profile(request.params.profileId ?? "", request.headers.get("if-none-match"));
  },
});
