import type { Settings } from "./config/settings.js";
import { deleteAlertsBefore } from "./store/alerts.js";
import { deleteChecksBefore } from "./store/checks.js";
import { deleteConnectionRunsBefore } from "./store/connection.js";
import { deleteHourly } from "./store/hourly.js";
import { hourKey } from "./store/keys.js";
import { listProfileIds } from "./store/profiles.js";
import type { Storage } from "./store/storage.js";

export interface RetentionReport {
  checks: number;
  hourly: number;
  connectionRuns: number;
  alerts: number;
}

const dayMs = 24 * 60 * 60_000;

/** The daily clean-up: raw checks after CHECKS_RETENTION_DAYS, history (hourly rows, Test Connection runs, alerts) after HISTORY_RETENTION_DAYS. */
export async function applyRetention(storage: Storage, settings: Pick<Settings, "checksRetentionDays" | "historyRetentionDays">, now: Date): Promise<RetentionReport> {
  const profileIds = await listProfileIds(storage);
  const checksCutoff = new Date(now.getTime() - settings.checksRetentionDays * dayMs);
  const historyCutoff = new Date(now.getTime() - settings.historyRetentionDays * dayMs);
  const report: RetentionReport = { checks: 0, hourly: 0, connectionRuns: 0, alerts: 0 };
  report.checks = await deleteChecksBefore(storage, hourKey(checksCutoff), profileIds);
  for (const id of profileIds) report.hourly += await deleteHourly(storage, id, hourKey(historyCutoff));
  report.connectionRuns = await deleteConnectionRunsBefore(storage, historyCutoff, profileIds);
  report.alerts = await deleteAlertsBefore(storage, historyCutoff, profileIds);
  return report;
}
