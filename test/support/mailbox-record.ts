import type { MailboxRecord } from "../../lib/model/mailbox.js";

/** An approved, enabled mailbox with every channel wanted and not yet run; tests override what they are about. */
export function enabledMailbox(profileId: string, address: string, overrides: Partial<MailboxRecord> = {}): MailboxRecord {
  return {
    profileId,
    address,
    approved: true,
    wanted: { incoming: true, outgoing: true, appointmentsContactsTasks: true },
    state: "enabled",
    channels: { incoming: "not-run", outgoing: "not-run", appointmentsContactsTasks: "not-run" },
    consecutiveFailures: 0,
    ...overrides,
  };
}
