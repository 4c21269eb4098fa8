import type { z } from "zod";
import { formatIssues, type FieldProblem } from "../config/issues.js";
import type { Profile } from "../config/profile.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { ProbeEnvironment } from "../probes/kind.js";
import { missingCredentials } from "../profiles/dataverse-lock.js";
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

export type LoadedProfile = NonNullable<Awaited<ReturnType<typeof loadProfile>>>;

/**
 * What every on-demand request does first: the body checked against its schema, then the stored profile loaded, and
 * a profile from Dataverse that still needs credentials refused with what the map file must add.
 */
export async function openRequest<S extends z.ZodType>(
  storage: Storage,
  profileId: string,
  schema: S,
  input: unknown,
): Promise<{ kind: "ready"; body: z.infer<S>; loaded: LoadedProfile } | Exclude<OnDemand<never>, { kind: "done" } | { kind: "busy" }>> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) return { kind: "invalid", problems: formatIssues(parsed.error.issues) };
  const loaded = await loadProfile(storage, profileId);
  if (loaded === undefined) return { kind: "not-found" };
  const needs = missingCredentials(loaded.stored);
  if (needs !== undefined) return { kind: "invalid", problems: needs };
  return { kind: "ready", body: parsed.data, loaded };
}
