import { httpFunction } from "../app/registry.js";
import { checkHealth } from "../lib/health.js";
import { runtime } from "../lib/runtime.js";

httpFunction("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: async () => {
    const { storage, version } = runtime();
    const report = await checkHealth(storage, version);
    return { status: report.status === "ok" ? 200 : 503, jsonBody: report, headers: { "cache-control": "no-store" } };
  },
});
