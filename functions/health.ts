import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/health.js")) }));

httpFunction("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: async () => {
    const { runtime, checkHealth } = await lib();
    const { storage, version } = runtime();
    const report = await checkHealth(storage, version);
    return { status: report.status === "ok" ? 200 : 503, jsonBody: report, headers: { "cache-control": "no-store" } };
  },
});
