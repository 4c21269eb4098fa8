import { invocationLog, timerFunction } from "../app/declarations.js";

/** DATAVERSE_SYNC_CRON, and once at start: profiles and mailboxes from Dataverse (docs/dataverse.md); nothing without DATAVERSE_URL. */
export const dataverseSync = timerFunction({
  name: "dataverseSync",
  schedule: (values) => values.schedules.dataverseSync,
  runOnStartup: true,
  handler: async (context, _timer, invocation) => {
    if (context.settings.dataverse === undefined) return;
    const [{ syncDataverse }, { logSync }] = await Promise.all([import("../lib/profiles/dataverse-sync.js"), import("../lib/profiles/dataverse-sync-log.js")]);
    logSync(await syncDataverse(context), invocationLog(invocation, context.settings.logLevel));
  },
});
