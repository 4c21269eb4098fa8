import type { MailboxConfig, Profile } from "../config/profile.js";
import type { ChannelStatuses } from "../model/connection.js";
import type { MailboxRecord } from "../model/mailbox.js";

/** What importing a profile file does to its stored mailboxes: which rows to write and which to delete. */
export interface MailboxPlan {
  /** New mailboxes and mailboxes whose approval or wanted channels changed. */
  upserts: MailboxRecord[];
  /** Mailboxes no longer in the file. */
  deletes: MailboxRecord[];
  /** Every mailbox of the profile once the plan is applied, in address order. */
  after: MailboxRecord[];
  added: number;
  updated: number;
  unchanged: number;
}

export const notRun: ChannelStatuses = { incoming: "not-run", outgoing: "not-run", appointmentsContactsTasks: "not-run" };

/**
 * A mailbox from the file, given what is stored for it:
 * - new and approved → "enabled" (channels not run yet, the probe takes it next); new and not approved → "pending-approval";
 * - existing → keeps its state, statuses, failure count and cached EWS URL and takes the file's approval and channels,
 *   except that a pending mailbox the file now approves becomes "enabled", and one the file no longer approves goes back
 *   to "pending-approval". A disabled mailbox stays disabled: only Test & Enable turns it on again.
 */
export function reconcileMailbox(profileId: string, config: MailboxConfig, existing: MailboxRecord | undefined): MailboxRecord {
  const wanted = { incoming: config.incoming, outgoing: config.outgoing, appointmentsContactsTasks: config.appointmentsContactsTasks };
  const location = config.location === undefined ? {} : { location: config.location };
  if (existing === undefined) {
    return {
      profileId,
      address: config.address,
      approved: config.approved,
      wanted,
      state: config.approved ? "enabled" : "pending-approval",
      channels: { ...notRun },
      consecutiveFailures: 0,
      ...location,
    };
  }
  let state = existing.state;
  if (!config.approved) state = "pending-approval";
  else if (state === "pending-approval") state = "enabled";
  const { location: _was, ...rest } = existing;
  return { ...rest, approved: config.approved, wanted, state, ...location };
}

export function planMailboxSync(existing: readonly MailboxRecord[], profile: Pick<Profile, "id" | "mailboxes">): MailboxPlan {
  const stored = new Map(existing.map((m) => [m.address, m]));
  const inFile = new Set<string>();
  const plan: MailboxPlan = { upserts: [], deletes: [], after: [], added: 0, updated: 0, unchanged: 0 };
  for (const config of profile.mailboxes) {
    const address = config.address.toLowerCase();
    inFile.add(address);
    const before = stored.get(address);
    const after = reconcileMailbox(profile.id, { ...config, address }, before);
    plan.after.push(after);
    if (before === undefined) {
      plan.upserts.push(after);
      plan.added++;
    } else if (changed(before, after)) {
      plan.upserts.push(after);
      plan.updated++;
    } else plan.unchanged++;
  }
  plan.deletes = existing.filter((m) => !inFile.has(m.address));
  plan.after.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return plan;
}

function changed(before: MailboxRecord, after: MailboxRecord): boolean {
  return (
    before.approved !== after.approved ||
    before.state !== after.state ||
    before.location !== after.location ||
    before.wanted.incoming !== after.wanted.incoming ||
    before.wanted.outgoing !== after.wanted.outgoing ||
    before.wanted.appointmentsContactsTasks !== after.wanted.appointmentsContactsTasks
  );
}
