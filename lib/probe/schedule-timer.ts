import { importConfiguredProfilesOnce } from "../profiles/import-files.js";
import type { Runtime } from "../runtime.js";
import { runSchedule, type ScheduleOutcome } from "./schedule.js";

export interface TimerLog {
  info(message: string): void;
  warn(message: string): void;
}

/** The schedule timer: import PROFILE_FILES once, then enqueue every due profile. */
export async function scheduleTimer(runtime: Runtime, log: TimerLog): Promise<ScheduleOutcome[]> {
  const { settings, storage } = runtime;
  if (settings.profileFiles.length > 0) {
    for (const result of await importConfiguredProfilesOnce(storage, settings.profileFiles, runtime.now())) {
      if (result.kind === "imported") log.info(`imported ${result.file} as profile ${result.profileId}`);
      else log.warn(`${result.file} was not imported:\n  ${result.problems.join("\n  ")}`);
    }
  }
  const outcomes = await runSchedule({ storage, now: runtime.now, probeQueue: settings.probeQueue, shardSize: settings.shardSize });
  for (const o of outcomes) {
    if (o.kind === "enqueued") log.info(`profile ${o.profileId}: cycle ${o.cycle} enqueued in ${o.messages} message(s)`);
    if (o.kind === "error") log.warn(`profile ${o.profileId} could not be scheduled: ${o.error}`);
    if (o.kind === "previous-cycle-running") log.warn(`profile ${o.profileId}: cycle ${o.cycle} is still running; the next one waits (a cycle longer than the polling interval)`);
  }
  return outcomes;
}
