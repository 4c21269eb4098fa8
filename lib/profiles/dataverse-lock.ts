import type { FieldProblem } from "../config/issues.js";
import { getProfile, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";

/**
 * Why a profile cannot be changed through the admin API: it comes from Dataverse, and the next sync would put
 * Dynamics 365's version back. Undefined for every other profile.
 */
export async function readOnlyReason(storage: Storage, profileId: string): Promise<string | undefined> {
  const origin = (await getProfile(storage, profileId))?.origin;
  if (origin === undefined) return undefined;
  return (
    `Profile ${profileId} comes from Dataverse (${origin.source.environment}, email server profile "${origin.source.name}", ${origin.source.id}) and is read-only here: ` +
    `change it in Dynamics 365 (the next sync, DATAVERSE_SYNC_CRON, brings the change), and its credentials in DATAVERSE_MAP_FILE`
  );
}

/** A profile from Dataverse that the map file gives no credentials: nothing can be tested until it does. */
export function missingCredentials(stored: StoredProfile): FieldProblem[] | undefined {
  if (stored.origin?.credentials !== "missing") return undefined;
  return [{ field: "DATAVERSE_MAP_FILE", message: `profile ${stored.profile.id} needs credentials before it can be tested: ${stored.origin.needs ?? "the map file gives none"}` }];
}
