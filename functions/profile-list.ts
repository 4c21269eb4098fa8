import { httpFunction } from "../app/declarations.js";

/** GET /api/profiles: every profile's identity and schedule. */
export const profileList = httpFunction({
  name: "profileList",
  route: "profiles",
  methods: ["GET"],
  authLevel: "admin",
  handler: async (context) => {
    const { listProfileItems } = await import("../lib/profiles/list.js");
    return { status: 200, jsonBody: { profiles: await listProfileItems(context.storage) } };
  },
});
