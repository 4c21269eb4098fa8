import type { Failure } from "./failure.js";

/** Alerts as the platform leaves them: for the mailbox and for the profile owner, with the diagnosis. */
export type AlertKind = "mailbox-disabled" | "mailbox-recovered" | "mailbox-enabled" | "test-connection-failed" | "test-connection-recovered";

export interface AlertRecord {
  profileId: string;
  at: string;
  kind: AlertKind;
  audience: "mailbox" | "owner";
  address?: string;
  message: string;
  failure?: Failure;
}
