import { deleteAllAlerts } from "../store/alerts.js";
import { deleteAllChecks } from "../store/checks.js";
import { deleteAllConnectionRuns } from "../store/connection.js";
import { deleteHourly } from "../store/hourly.js";
import { deleteProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";

/**
 * Deletes a profile and everything stored about it: the profile entity first (the schedule stops seeing it),
 * then mailboxes and summary, then its checks, hourly figures, Test Connection runs and alerts.
 */
export async function removeProfile(storage: Storage, id: string): Promise<"deleted" | "not-found"> {
  const existed = await deleteProfile(storage, id);
  if (!existed) return "not-found";
  await Promise.all([deleteAllChecks(storage, id), deleteHourly(storage, id), deleteAllConnectionRuns(storage, id), deleteAllAlerts(storage, id)]);
  return "deleted";
}
