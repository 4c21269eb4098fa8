import { httpFunction } from "../app/registry.js";
import { runtime } from "../lib/runtime.js";
import { statusService } from "../lib/status/service.js";

/** GET /api/metrics: the profiles' figures in the Prometheus text exposition format 0.0.4. */
httpFunction("metrics", {
  route: "metrics",
  methods: ["GET"],
  authLevel: "function",
  handler: (request) => statusService(runtime()).metrics(request.headers.get("if-none-match")),
});
