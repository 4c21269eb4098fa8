import { httpFunction } from "../app/declarations.js";

/** GET /api/health: one cheap question to Table Storage; 200, or 503 when storage does not answer. */
export const health = httpFunction({
  name: "health",
  route: "health",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: async (context) => {
    const { checkHealth } = await import("../lib/health.js");
    const report = await checkHealth(context.storage, context.version);
    return { status: report.status === "ok" ? 200 : 503, jsonBody: report, headers: { "cache-control": "no-store" } };
  },
});
