import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const modules = lazy(() => Promise.all([import("../lib/runtime.js"), import("../lib/status/service.js")]));
/** The status service of the runtime in force (one per runtime, made on first use). */
const status = async () => {
  const [{ runtime }, { statusService }] = await modules();
  return statusService(runtime());
};

/** GET /api/metrics: the profiles' figures in the Prometheus text exposition format 0.0.4. */
httpFunction("metrics", {
  route: "metrics",
  methods: ["GET"],
  authLevel: "function",
  handler: async (request) => (await status()).metrics(request.headers.get("if-none-match")),
});
