import { timerFunction } from "../app/registry.js";
import { applyRetention } from "../lib/retention.js";
import { runtime } from "../lib/runtime.js";

timerFunction("retention", {
  schedule: runtime().settings.schedules.retention,
  handler: async (_timer, context) => {
    const { storage, settings, now } = runtime();
    const deleted = await applyRetention(storage, settings, now());
    context.log(`retention deleted ${deleted.checks} checks, ${deleted.hourly} hourly rows, ${deleted.connectionRuns} Test Connection runs, ${deleted.alerts} alerts, ${deleted.emails} email records`);
    for (const e of deleted.errors) context.warn(`retention of profile ${e.profileId} failed: ${e.error}`);
  },
});
