import type { Failure } from "./failure.js";

/** Alerts as the platform leaves them: for the mailbox and for the profile owner, with the diagnosis. */
export type AlertKind = "mailbox-disabled" | "mailbox-recovered" | "mailbox-enabled" | "test-connection-failed" | "test-connection-recovered";

export type AlertAudience = "mailbox" | "owner";

export interface AlertRecord {
  profileId: string;
  /** When this alert was raised. */
  at: string;
  kind: AlertKind;
  /** Who the alert is for: one record for both when one event concerns the mailbox and the owner. */
  audiences: AlertAudience[];
  address?: string;
  message: string;
  failure?: Failure;
}
