import type { FieldProblem } from "../config/issues.js";
import type { Profile } from "../config/profile.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { ProbeEnvironment } from "../probes/kind.js";
import { listMailboxes } from "../store/mailboxes.js";
import { getProfile, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";

/** What the on-demand use cases read from the app. */
export interface OnDemandContext {
  storage: Storage;
  probe: ProbeEnvironment;
  now(): Date;
}

export type OnDemand<T> = { kind: "done"; value: T } | { kind: "not-found" } | { kind: "invalid"; problems: FieldProblem[] };

/** A stored profile with its mailboxes as the `mailboxes` table holds them now. */
export async function loadProfile(storage: Storage, profileId: string): Promise<{ stored: StoredProfile; profile: Profile; mailboxes: MailboxRecord[] } | undefined> {
  const stored = await getProfile(storage, profileId);
  if (stored === undefined) return undefined;
  const mailboxes = await listMailboxes(storage, profileId);
  const profile: Profile = { ...stored.profile, mailboxes: mailboxes.map((m) => ({ address: m.address, approved: m.approved, ...m.wanted, ...(m.location === undefined ? {} : { location: m.location }) })) };
  return { stored, profile, mailboxes };
}
