import { lazy } from "../app/lazy.js";
import { timerFunction } from "../app/registry.js";
import { registrationValues } from "../lib/config/registration.js";

const lib = lazy(async () => ({ ...(await import("../lib/runtime.js")), ...(await import("../lib/notify/timer.js")) }));

timerFunction("notify", {
  schedule: registrationValues().schedules.notify,
  handler: async (_timer, context) => {
    const { runtime, notifyTimer } = await lib();
    await notifyTimer(runtime(), { info: (m) => context.log(m), warn: (m) => context.warn(m) });
  },
});
