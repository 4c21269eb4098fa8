import { httpFunction } from "../app/registry.js";
import { runtime } from "../lib/runtime.js";
import { statusService } from "../lib/status/service.js";

/** GET /api/status?top=&continuation=: every profile's health and figures, paged, for dashboards. */
httpFunction("statusList", {
  route: "status",
  methods: ["GET"],
  authLevel: "function",
  handler: (request) =>
    statusService(runtime()).list({ top: request.query.get("top"), continuation: request.query.get("continuation") }, request.headers.get("if-none-match")),
});
