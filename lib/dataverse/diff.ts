import { createHash } from "node:crypto";
import type { ImportedMailbox, ImportedProfile } from "./map-records.js";

/**
 * What a sync must write, decided without writing: every imported profile and mailbox carries a fingerprint of
 * what the sync stores for it; the stored rows keep the fingerprint they were written with, so a sync that finds
 * the same fingerprints writes nothing (the cost of such a sync is the reads alone).
 */

/** A stored profile as the sync sees it: profiles that did not come from Dataverse are never touched. */
export interface StoredProfileState {
  id: string;
  source: "dataverse" | "other";
  /** The fingerprint written with it (absent for rows written before fingerprints). */
  fingerprint?: string;
}

export interface StoredMailboxState {
  profileId: string;
  address: string;
  fingerprint?: string;
}

export interface PlannedMailbox {
  profileId: string;
  mailbox: ImportedMailbox;
  fingerprint: string;
}

export interface SyncPlan {
  profiles: {
    create: { profile: ImportedProfile; fingerprint: string }[];
    update: { profile: ImportedProfile; fingerprint: string }[];
    /** Dataverse profiles no longer in Dataverse (their mailboxes are in `mailboxes.delete`). */
    delete: string[];
    unchanged: number;
    /** A pulled profile whose id is taken by a profile from elsewhere: left alone, reported. */
    conflicts: { id: string; reason: string }[];
  };
  mailboxes: {
    create: PlannedMailbox[];
    update: PlannedMailbox[];
    delete: { profileId: string; address: string }[];
    unchanged: number;
  };
}

/** Object keys sorted at every level, so equal content gives equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const hash = (value: unknown): string => createHash("sha256").update(canonical(value)).digest("base64url").slice(0, 22);

/** What is stored for the profile itself (its mailboxes have their own fingerprints). */
export function profileFingerprint(p: ImportedProfile): string {
  const { mailboxes: _mailboxes, ...settings } = p.profile;
  return hash({ settings, source: p.source, credentials: p.credentials, needs: p.credentials === "missing" ? p.needs : undefined, lastTest: p.lastTest });
}

/**
 * Dynamics stamps "processing last attempted" and "last successful sync" every few minutes on a healthy mailbox;
 * counted to the minute they would make every sync rewrite every mailbox. They count by the day, so a row is
 * rewritten when anything else changes, and at most once a day for the time stamps alone.
 */
const day = (iso: string | null): string | null => (iso === null ? null : iso.slice(0, 10));

export function mailboxFingerprint(m: ImportedMailbox): string {
  const d = m.dynamics;
  return hash({ ...m, dynamics: { ...d, processingLastAttemptedOn: day(d.processingLastAttemptedOn), lastSuccessfulSyncCompletedOn: day(d.lastSuccessfulSyncCompletedOn) } });
}

export function planSync(stored: { profiles: readonly StoredProfileState[]; mailboxes: readonly StoredMailboxState[] }, pulled: readonly ImportedProfile[]): SyncPlan {
  const plan: SyncPlan = {
    profiles: { create: [], update: [], delete: [], unchanged: 0, conflicts: [] },
    mailboxes: { create: [], update: [], delete: [], unchanged: 0 },
  };
  const storedProfiles = new Map(stored.profiles.map((p) => [p.id, p]));
  const storedMailboxes = new Map<string, Map<string, StoredMailboxState>>();
  for (const m of stored.mailboxes) {
    let inProfile = storedMailboxes.get(m.profileId);
    if (!inProfile) storedMailboxes.set(m.profileId, (inProfile = new Map()));
    inProfile.set(m.address.toLowerCase(), m);
  }

  const pulledIds = new Set<string>();
  for (const p of pulled) {
    const id = p.profile.id;
    const before = storedProfiles.get(id);
    if (before?.source === "other") {
      plan.profiles.conflicts.push({ id, reason: `a profile ${id} that does not come from Dataverse already exists; it is left as it is` });
      continue;
    }
    pulledIds.add(id);
    const fingerprint = profileFingerprint(p);
    if (before === undefined) plan.profiles.create.push({ profile: p, fingerprint });
    else if (before.fingerprint !== fingerprint) plan.profiles.update.push({ profile: p, fingerprint });
    else plan.profiles.unchanged += 1;

    const storedHere = storedMailboxes.get(id) ?? new Map<string, StoredMailboxState>();
    const seen = new Set<string>();
    for (const mailbox of p.mailboxes) {
      const address = mailbox.config.address;
      seen.add(address);
      const fp = mailboxFingerprint(mailbox);
      const was = storedHere.get(address);
      if (was === undefined) plan.mailboxes.create.push({ profileId: id, mailbox, fingerprint: fp });
      else if (was.fingerprint !== fp) plan.mailboxes.update.push({ profileId: id, mailbox, fingerprint: fp });
      else plan.mailboxes.unchanged += 1;
    }
    for (const address of storedHere.keys()) if (!seen.has(address)) plan.mailboxes.delete.push({ profileId: id, address });
  }

  for (const p of stored.profiles) {
    if (p.source !== "dataverse" || pulledIds.has(p.id)) continue;
    plan.profiles.delete.push(p.id);
    for (const address of storedMailboxes.get(p.id)?.keys() ?? []) plan.mailboxes.delete.push({ profileId: p.id, address });
  }
  return plan;
}

/** True when applying the plan writes nothing. */
export function isEmptyPlan(plan: SyncPlan): boolean {
  const { profiles: p, mailboxes: m } = plan;
  return p.create.length + p.update.length + p.delete.length + m.create.length + m.update.length + m.delete.length === 0;
}
