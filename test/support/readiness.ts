import type { CheckedReadiness } from "../../lib/model/readiness.js";

/** Readiness as a daily check leaves it: EWS blocked by the tenant's policy and Tasks.ReadWrite.All missing, unless changed. */
export function checkedReadiness(change: Partial<CheckedReadiness> = {}): CheckedReadiness {
  return {
    ews: "blocked-by-policy",
    ewsReason: "EWS is blocked by policy for this user or tenant",
    ewsShutdown: "2027-04-01",
    ewsDaysLeft: 335,
    graphPermissions: { status: "checked", granted: ["Mail.ReadWrite"], missing: ["Tasks.ReadWrite.All"] },
    speaksFor: { kind: "monitor-app", app: { tenantId: "t", clientId: "c" }, syncApp: "unknown" },
    checkedAt: "2026-11-30T06:00:00.000Z",
    checkedBy: "daily-check",
    ...change,
  };
}
