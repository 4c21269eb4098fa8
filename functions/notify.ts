import { timerFunction } from "../app/registry.js";
import { notifyTimer } from "../lib/notify/timer.js";
import { runtime } from "../lib/runtime.js";

timerFunction("notify", {
  schedule: runtime().settings.schedules.notify,
  handler: async (_timer, context) => {
    await notifyTimer(runtime(), { info: (m) => context.log(m), warn: (m) => context.warn(m) });
  },
});
