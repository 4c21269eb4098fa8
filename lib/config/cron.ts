import { Cron } from "croner";

export type CronCheck = { ok: true } | { ok: false; reason: string };

/** Azure Functions timers use six-field NCRONTAB expressions (with seconds), evaluated in UTC. */
export function checkNcrontab(expression: string): CronCheck {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    return { ok: false, reason: `must have six fields (second minute hour day month day-of-week), found ${fields.length}` };
  }
  try {
    const cron = new Cron(expression, { timezone: "Etc/UTC", paused: true });
    if (cron.nextRun() === null) return { ok: false, reason: "never fires" };
    cron.stop();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The next time an NCRONTAB expression fires after `after`, in UTC. */
export function nextFiring(expression: string, after: Date): Date | null {
  const cron = new Cron(expression, { timezone: "Etc/UTC", paused: true });
  const next = cron.nextRun(after);
  cron.stop();
  return next;
}
