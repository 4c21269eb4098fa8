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

/** How long an on-demand request waits for a share of the profile's connections (a cycle may hold them all). */
export const onDemandShareWaitMs = 20_000;

export function busyMessage(profileId: string, holders: readonly { label: string; connections: number }[]): string {
  return `All ${holders.reduce((n, h) => n + h.connections, 0)} connections of ${profileId} are in use (${holders.map((h) => h.label).join(", ")}), so this would exceed its Maximum Concurrent Connections; try again in a minute.`;
}

/** "busy": the profile's connections stayed in use (a cycle) for as long as the request waits. */
export type OnDemand<T> = { kind: "done"; value: T } | { kind: "not-found" } | { kind: "invalid"; problems: FieldProblem[] } | { kind: "busy"; message: string };

/** A stored profile with its mailboxes as the `mailboxes` table holds them now. */
export async function loadProfile(storage: Storage, profileId: string): Promise<{ stored: StoredProfile; profile: Profile; mailboxes: MailboxRecord[] } | undefined> {
  const stored = await getProfile(storage, profileId);
  if (stored === undefined) return undefined;
  const mailboxes = await listMailboxes(storage, profileId);
  const profile: Profile = { ...stored.profile, mailboxes: mailboxes.map((m) => ({ address: m.address, approved: m.approved, ...m.wanted, ...(m.location === undefined ? {} : { location: m.location }) })) };
  return { stored, profile, mailboxes };
}
