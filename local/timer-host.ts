import { randomUUID } from "node:crypto";
import azureFunctions from "@azure/functions";
import type { Timer } from "@azure/functions";
import type { Registration } from "../app/registrations.js";
import { nextFiring } from "../lib/config/cron.js";
import { elapsedSince, errorText, levelOfInvocation, type LocalLog } from "./log.js";

// @azure/functions is CommonJS; its classes are reached through the default export.
const { InvocationContext } = azureFunctions;

type TimerRegistration = Extract<Registration, { kind: "timer" }>;

export interface TimerHost {
  /** Runs a timer function now, as if its schedule had fired; resolves when it finished. */
  fire(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Fires every timer on its NCRONTAB schedule (UTC), one run at a time per function, like the host's singleton lock. */
export function startTimers(registrations: readonly Registration[], log: LocalLog, options: { armSchedules?: boolean } = {}): TimerHost {
  const timers = registrations.filter((r): r is TimerRegistration => r.kind === "timer");
  const running = new Map<string, Promise<void>>();
  const handles = new Set<NodeJS.Timeout>();
  const last = new Map<string, Date>();
  let stopped = false;

  async function invoke(timer: TimerRegistration, scheduledFor: Date): Promise<void> {
    const previous = running.get(timer.name);
    if (previous !== undefined) {
      log(`${timer.name} (timer) skipped: the previous run is still going`, "warn");
      return previous;
    }
    const next = nextFiring(timer.schedule, new Date()) ?? scheduledFor;
    const info: Timer = {
      isPastDue: Date.now() - scheduledFor.getTime() > 5_000,
      schedule: { adjustForDST: false },
      scheduleStatus: {
        last: (last.get(timer.name) ?? scheduledFor).toISOString(),
        next: next.toISOString(),
        lastUpdated: new Date().toISOString(),
      },
    };
    last.set(timer.name, scheduledFor);
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: timer.name,
      logHandler: (level, ...args) => log(`${timer.name}: ${args.map(String).join(" ")}`, levelOfInvocation(level)),
    });
    const started = performance.now();
    const run = (async () => {
      try {
        await timer.handler(info, context);
        log(`${timer.name} (timer) succeeded in ${elapsedSince(started)}`, "debug");
      } catch (error) {
        log(`${timer.name} (timer) failed in ${elapsedSince(started)}: ${errorText(error)}`, "error");
      }
    })();
    running.set(timer.name, run);
    try {
      await run;
    } finally {
      running.delete(timer.name);
    }
  }

  function arm(timer: TimerRegistration): void {
    if (stopped) return;
    const next = nextFiring(timer.schedule, new Date());
    if (next === null) return;
    // setTimeout cannot wait longer than about 24.8 days; re-arm on the way for far schedules.
    const delay = Math.min(next.getTime() - Date.now(), 2 ** 31 - 1);
    const handle = setTimeout(() => {
      handles.delete(handle);
      if (Date.now() + 5 < next.getTime()) return arm(timer);
      void invoke(timer, next);
      arm(timer);
    }, Math.max(0, delay));
    handles.add(handle);
  }

  if (options.armSchedules !== false) {
    for (const timer of timers) {
      if (timer.runOnStartup) void invoke(timer, new Date());
      arm(timer);
    }
  }

  return {
    async fire(name) {
      const timer = timers.find((t) => t.name === name);
      if (timer === undefined) throw new Error(`No timer function named ${name}`);
      await invoke(timer, new Date());
    },
    async stop() {
      stopped = true;
      for (const handle of handles) clearTimeout(handle);
      handles.clear();
      await Promise.all(running.values());
    },
  };
}
