import type { FieldProblem } from "../config/issues.js";
import { profileSchema } from "../config/profile.js";

/** Checks a profile id from a URL or a command line with the profile file's own rule, before any table is touched. */
export function checkProfileId(id: string, field = "id"): FieldProblem | undefined {
  const result = profileSchema.shape.id.safeParse(id);
  return result.success ? undefined : { field, message: result.error.issues[0]?.message ?? "is not a valid profile id" };
}
