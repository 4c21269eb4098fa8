import { lazy } from "../app/lazy.js";
import { httpFunction } from "../app/registry.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/profiles/list.js")) }));

/** GET /api/profiles: every profile's identity and schedule. */
httpFunction("profileList", {
  route: "profiles",
  methods: ["GET"],
  authLevel: "admin",
  handler: async () => {
    const { runtime, listProfileItems } = await lib();
    return { status: 200, jsonBody: { profiles: await listProfileItems(runtime().storage) } };
  },
});
