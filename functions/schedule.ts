import { lazy } from "../app/lazy.js";
import { timerFunction } from "../app/registry.js";
import { registrationValues } from "../lib/config/registration.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/cycle/schedule.js")) }));

timerFunction("schedule", {
  schedule: registrationValues().schedules.schedule,
  handler: async (_timer, context) => {
    const { runtime, scheduleTimer } = await lib();
    await scheduleTimer(runtime(), { info: (m) => context.log(m), warn: (m) => context.warn(m) });
  },
});
