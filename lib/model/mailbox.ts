import type { ChannelName, ChannelStatuses } from "./connection.js";
import type { Failure } from "./failure.js";

/** Test & Enable's lifecycle of a mailbox. */
export const mailboxStates = ["pending-approval", "enabled", "retrying", "disabled"] as const;
export type MailboxState = (typeof mailboxStates)[number];

/** A mailbox as stored in the `mailboxes` table (partition: profile id, row: address). */
export interface MailboxRecord {
  profileId: string;
  address: string;
  approved: boolean;
  /** The channels the profile wants synchronized for this mailbox. */
  wanted: Record<ChannelName, boolean>;
  state: MailboxState;
  channels: ChannelStatuses;
  consecutiveFailures: number;
  /** ISO time before which the mailbox is not tried again (retrying). */
  nextAttemptAt?: string;
  disabledReason?: Failure;
  lastError?: Failure;
  lastCheckedAt?: string;
  lastSuccessAt?: string;
  /** Hybrid profiles: where the mailbox lives (the profile file's `location`), so it is probed through Graph or EWS. */
  location?: "cloud" | "on-premises";
  /** The EWS URL Autodiscover found, used until it stops being right. */
  ewsUrl?: string;
  ewsUrlDiscoveredAt?: string;
  /** The last probe cycle that checked this mailbox; a redelivered queue message skips mailboxes already at its cycle. */
  lastCycle?: number;
}

/** One mailbox's tries within one UTC clock hour, as stored in `checks` (partition: `profileId_yyyyMMddHH`). */
export interface HourCheck {
  address: string;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  lastError?: Failure;
}
