import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const modules = lazy(() => Promise.all([import("../lib/runtime.js"), import("../lib/status/service.js")]));
/** The status service of the runtime in force (one per runtime, made on first use). */
const status = async () => {
  const [{ runtime }, { statusService }] = await modules();
  return statusService(runtime());
};

/** GET /api/status/{profileId}: one profile's status with its failing mailboxes, mailbox states and recent alerts. */
httpFunction("statusProfile", {
  route: "status/{profileId}",
  methods: ["GET"],
  authLevel: "function",
  handler: async (request) => (await status()).profile(request.params.profileId ?? "", request.headers.get("if-none-match")),
});
