import { httpFunction } from "../app/declarations.js";

/** GET /api/metrics: the profiles' figures in the Prometheus text exposition format 0.0.4. */
export const metrics = httpFunction({
  name: "metrics",
  route: "metrics",
  methods: ["GET"],
  authLevel: "function",
  handler: async (context, request) => {
    const { statusService } = await import("../lib/http/status.js");
    return statusService(context).metrics(request.headers.get("if-none-match"));
  },
});
