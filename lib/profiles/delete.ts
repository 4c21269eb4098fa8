import { deleteAllAlerts } from "../store/alerts.js";
import { deleteAllChecks } from "../store/checks.js";
import { deleteAllConnectionRuns } from "../store/connection.js";
import { deleteCycle } from "../store/cycles.js";
import { deleteLeases } from "../store/leases.js";
import { deleteAllDynamics } from "../store/dynamics.js";
import { deleteHourly } from "../store/hourly.js";
import { deleteAllMailboxes } from "../store/mailboxes.js";
import { deleteAllNotifications } from "../store/notifications.js";
import { deleteProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { deleteSummary } from "../store/summaries.js";

/**
 * Deletes a profile and everything stored about it, in every table: the profile entity first (the schedule stops
 * seeing it), then its mailboxes, summary, cycle, checks, hourly figures, Test Connection runs, alerts,
 * notification ledger and history, and Dynamics' verdicts. Leftovers of a profile that is already gone are removed all the same.
 */
export async function removeProfile(storage: Storage, id: string): Promise<"deleted" | "not-found"> {
  const existed = await deleteProfile(storage, id);
  await Promise.all([
    deleteAllMailboxes(storage, id),
    deleteSummary(storage, id),
    deleteCycle(storage, id),
    deleteLeases(storage, id),
    deleteAllChecks(storage, id),
    deleteHourly(storage, id),
    deleteAllConnectionRuns(storage, id),
    deleteAllAlerts(storage, id),
    deleteAllNotifications(storage, id),
    deleteAllDynamics(storage, id),
  ]);
  return existed ? "deleted" : "not-found";
}
