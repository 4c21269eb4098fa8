import { timerFunction } from "../app/registry.js";
import { scheduleTimer } from "../lib/probe/schedule-timer.js";
import { runtime } from "../lib/runtime.js";

timerFunction("schedule", {
  schedule: runtime().settings.schedules.schedule,
  handler: async (_timer, context) => {
    await scheduleTimer(runtime(), { info: (m) => context.log(m), warn: (m) => context.warn(m) });
  },
});
