import { invocationLog, timerFunction } from "../app/declarations.js";

/** SCHEDULE_CRON: imports PROFILE_FILES once, then queues the profiles that are due. */
export const schedule = timerFunction({
  name: "schedule",
  schedule: (values) => values.schedules.schedule,
  handler: async (context, _timer, invocation) => {
    const { scheduleTimer } = await import("../lib/cycle/schedule.js");
    await scheduleTimer(context, invocationLog(invocation, context.settings.logLevel));
  },
});
