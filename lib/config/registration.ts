/**
 * The few settings the function declarations themselves need (timer schedules, the probe queue), read without
 * loading the validation library, so that importing the app stays cheap. Every setting, these included, is
 * validated at start-up: by the local host before it loads the functions, and by the app-start hook on the
 * Functions host (app/registry.ts).
 */
export interface RegistrationValues {
  schedules: { schedule: string; notify: string; retention: string };
  probeQueue: string;
}

export const registrationDefaults: RegistrationValues = {
  schedules: { schedule: "0 * * * * *", notify: "0 */5 * * * *", retention: "0 30 2 * * *" },
  probeQueue: "probe-profile",
};

let installed: RegistrationValues | undefined;

/** The local host and tests install the values of the runtime they built. */
export function installRegistrationValues(values: RegistrationValues | undefined): void {
  installed = values;
}

export function registrationValues(env: Record<string, string | undefined> = process.env): RegistrationValues {
  if (installed !== undefined) return installed;
  const read = (name: string, fallback: string) => env[name]?.trim() || fallback;
  return {
    schedules: {
      schedule: read("SCHEDULE_CRON", registrationDefaults.schedules.schedule),
      notify: read("NOTIFY_CRON", registrationDefaults.schedules.notify),
      retention: read("RETENTION_CRON", registrationDefaults.schedules.retention),
    },
    probeQueue: read("PROBE_QUEUE", registrationDefaults.probeQueue),
  };
}
