import { lazy } from "../app/lazy.js";
import { timerFunction } from "../app/registry.js";
import { registrationValues } from "../lib/config/registration.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/retention.js")) }));

timerFunction("retention", {
  schedule: registrationValues().schedules.retention,
  handler: async (_timer, context) => {
    const { runtime, applyRetention } = await lib();
    const { storage, settings, now } = runtime();
    const deleted = await applyRetention(storage, settings, now());
    context.log(`retention deleted ${deleted.checks} checks, ${deleted.hourly} hourly rows, ${deleted.connectionRuns} Test Connection runs, ${deleted.alerts} alerts, ${deleted.emails} email records`);
    for (const e of deleted.errors) context.warn(`retention of profile ${e.profileId} failed: ${e.error}`);
  },
});
