import { invocationLog, timerFunction } from "../app/declarations.js";

/** NOTIFY_CRON: emails the profiles' new failures and recoveries. */
export const notify = timerFunction({
  name: "notify",
  schedule: (values) => values.schedules.notify,
  handler: async (context, _timer, invocation) => {
    const { notifyTimer } = await import("../lib/notify/timer.js");
    await notifyTimer(context, invocationLog(invocation, context.settings.logLevel));
  },
});
