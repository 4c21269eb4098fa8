import type { Settings } from "./config/settings.js";
import { deleteAlertsBefore } from "./store/alerts.js";
import { deleteChecksBefore } from "./store/checks.js";
import { deleteConnectionRunsBefore } from "./store/connection.js";
import { deleteHourly } from "./store/hourly.js";
import { hourKey } from "./store/keys.js";
import { deleteHistoryBefore } from "./store/notifications.js";
import { listProfileIds } from "./store/profiles.js";
import type { Storage } from "./store/storage.js";

export interface RetentionReport {
  checks: number;
  hourly: number;
  connectionRuns: number;
  alerts: number;
  emails: number;
  /** Profiles whose clean-up failed; the others were still cleaned. */
  errors: { profileId: string; error: string }[];
}

const dayMs = 24 * 60 * 60_000;

/**
 * The daily clean-up: raw checks after CHECKS_RETENTION_DAYS; hourly rows, Test Connection runs, alerts and the
 * email history after HISTORY_RETENTION_DAYS. One profile at a time, so one profile's error never stops the others.
 */
export async function applyRetention(storage: Storage, settings: Pick<Settings, "checksRetentionDays" | "historyRetentionDays">, now: Date): Promise<RetentionReport> {
  const checksCutoff = new Date(now.getTime() - settings.checksRetentionDays * dayMs);
  const historyCutoff = new Date(now.getTime() - settings.historyRetentionDays * dayMs);
  const report: RetentionReport = { checks: 0, hourly: 0, connectionRuns: 0, alerts: 0, emails: 0, errors: [] };
  for (const id of await listProfileIds(storage)) {
    try {
      report.checks += await deleteChecksBefore(storage, hourKey(checksCutoff), [id]);
      report.hourly += await deleteHourly(storage, id, hourKey(historyCutoff));
      report.connectionRuns += await deleteConnectionRunsBefore(storage, historyCutoff, [id]);
      report.alerts += await deleteAlertsBefore(storage, historyCutoff, [id]);
      report.emails += await deleteHistoryBefore(storage, id, historyCutoff);
    } catch (error) {
      report.errors.push({ profileId: id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
