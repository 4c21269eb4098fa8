/** Exchange Online stops answering EWS for everyone on this day (Exchange Server on-premises keeps it). */
export const ewsShutdownDate = "2027-04-01";

/** What one authenticated EWS request with the profile's app said about EWS for it. */
export const ewsReadinessStates = ["allowed", "blocked-by-policy", "disabled", "not-checked"] as const;
export type EwsReadinessState = (typeof ewsReadinessStates)[number];

export type GraphPermissions =
  | { status: "checked"; granted: string[]; missing: string[] }
  /** No token could be had or read: nothing is claimed either way. */
  | { status: "not-checked"; reason: string; granted: []; missing: [] };

export interface AppRef {
  tenantId: string;
  clientId: string;
}

/**
 * Whose readiness this is. It speaks for server-side synchronization itself only when the monitor
 * authenticates as the app registration the profile's synchronization uses.
 */
export type SpeaksFor =
  | { kind: "sync-app"; app: AppRef }
  | { kind: "monitor-app"; app: AppRef; syncApp: AppRef | "unknown" };

/** The `readiness` object of the Test Connection report, the status view and the daily check. */
export interface Readiness {
  ews: EwsReadinessState;
  /** X-EWS-Policy-Reason as Exchange gave it, or why EWS was not checked. */
  ewsReason?: string;
  ewsShutdown: typeof ewsShutdownDate;
  ewsDaysLeft: number;
  graphPermissions: GraphPermissions;
  speaksFor: SpeaksFor;
}

/**
 * Readiness as the profile summary keeps it: the last answer, when it was checked and by what (the daily
 * check in the probe cycle, or a Test Connection). Absent for Exchange Server profiles and before the first check.
 */
export interface CheckedReadiness extends Readiness {
  checkedAt: string;
  checkedBy: "daily-check" | "test-connection";
}
