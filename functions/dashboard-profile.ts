import { httpFunction } from "../app/declarations.js";

/** GET /api/dashboard/{profileId}: one profile's failing mailboxes by diagnosis, Test Connection, alerts, emails and maintenance, as HTML. */
export const dashboardProfile = httpFunction({
  name: "dashboardProfile",
  route: "dashboard/{profileId}",
  methods: ["GET"],
  authLevel: "function",
  handler: async (context, request) => {
    const { statusService } = await import("../lib/http/status.js");
    return statusService(context).dashboardProfile(request.params.profileId ?? "", request.query.get("code"));
  },
});
