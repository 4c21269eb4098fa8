import { invocationLog, timerFunction } from "../app/declarations.js";

/** RETENTION_CRON: deletes checks, hourly rows, runs, alerts and email records past their retention. */
export const retention = timerFunction({
  name: "retention",
  schedule: (values) => values.schedules.retention,
  handler: async (context, _timer, invocation) => {
    const { applyRetention } = await import("../lib/retention.js");
    const deleted = await applyRetention(context.storage, context.settings, context.now());
    const log = invocationLog(invocation, context.settings.logLevel);
    log.info(`retention deleted ${deleted.checks} checks, ${deleted.hourly} hourly rows, ${deleted.connectionRuns} Test Connection runs, ${deleted.alerts} alerts, ${deleted.emails} email records`);
    for (const e of deleted.errors) log.warn(`retention of profile ${e.profileId} failed: ${e.error}`);
  },
});
