/**
 * The few settings the function registrations themselves need (timer schedules, the probe queue), read without
 * loading the validation library, so that importing the app stays cheap. Every setting, these included, is
 * validated at start-up: by the local host before it registers the functions, and by the app-start hook on the
 * Functions host (app/main.ts). The validated Settings carry the same fields, so a host holding them passes those.
 */
export interface RegistrationValues {
  schedules: { schedule: string; notify: string; retention: string; dataverseSync: string };
  probeQueue: string;
}

export const registrationDefaults: RegistrationValues = {
  schedules: { schedule: "0 * * * * *", notify: "0 */5 * * * *", retention: "0 30 2 * * *", dataverseSync: "0 0 * * * *" },
  probeQueue: "probe-profile",
};

export function registrationValues(env: Record<string, string | undefined>): RegistrationValues {
  const read = (name: string, fallback: string) => env[name]?.trim() || fallback;
  return {
    schedules: {
      schedule: read("SCHEDULE_CRON", registrationDefaults.schedules.schedule),
      notify: read("NOTIFY_CRON", registrationDefaults.schedules.notify),
      retention: read("RETENTION_CRON", registrationDefaults.schedules.retention),
      dataverseSync: read("DATAVERSE_SYNC_CRON", registrationDefaults.schedules.dataverseSync),
    },
    probeQueue: read("PROBE_QUEUE", registrationDefaults.probeQueue),
  };
}
