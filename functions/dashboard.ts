import { httpFunction } from "../app/declarations.js";

/** GET /api/dashboard: every profile's health, last hour, 24 hourly bars, certificates, readiness and last cycle, as HTML. The key may come as ?code=. */
export const dashboard = httpFunction({
  name: "dashboard",
  route: "dashboard",
  methods: ["GET"],
  authLevel: "function",
  handler: async (context, request) => {
    const { statusService } = await import("../lib/http/status.js");
    return statusService(context).dashboard(request.query.get("code"));
  },
});
