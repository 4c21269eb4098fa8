import { httpFunction } from "../app/registry.js";
import { listProfileItems } from "../lib/profiles/list.js";
import { runtime } from "../lib/runtime.js";

/** GET /api/profiles: every profile's identity and schedule. */
httpFunction("profileList", {
  route: "profiles",
  methods: ["GET"],
  authLevel: "admin",
  handler: async () => ({ status: 200, jsonBody: { profiles: await listProfileItems(runtime().storage) } }),
});
