import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const modules = lazy(() => Promise.all([import("../lib/runtime.js"), import("../lib/status/service.js")]));
/** The status service of the runtime in force (one per runtime, made on first use). */
const status = async () => {
  const [{ runtime }, { statusService }] = await modules();
  return statusService(runtime());
};

/** GET /api/status?top=&continuation=: every profile's health and figures, paged, for dashboards. */
httpFunction("statusList", {
  route: "status",
  methods: ["GET"],
  authLevel: "function",
  handler: async (request) =>
    (await status()).list({ top: request.query.get("top"), continuation: request.query.get("continuation") }, request.headers.get("if-none-match")),
});
