import { httpFunction } from "../app/declarations.js";

/** GET /api/status?top=&continuation=: every profile's health and figures, paged, for dashboards. */
export const statusList = httpFunction({
  name: "statusList",
  route: "status",
  methods: ["GET"],
  authLevel: "function",
  handler: async (context, request) => {
    const { statusService } = await import("../lib/http/status.js");
    const query = { top: request.query.get("top"), continuation: request.query.get("continuation") };
    return statusService(context).list(query, request.headers.get("if-none-match"));
  },
});
