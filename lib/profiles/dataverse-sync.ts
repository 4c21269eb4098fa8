import type { Profile } from "../config/profile.js";
import type { Settings } from "../config/settings.js";
import type { FieldProblem } from "../config/issues.js";
import { placeholderAuth, type ImportedProfile, type Skipped } from "../dataverse/map-records.js";
import { planSync, type StoredMailboxState, type SyncPlan } from "../dataverse/diff.js";
import { runPull, type PullEnvironment } from "../dataverse/run-pull.js";
import type { Failure } from "../model/failure.js";
import { noAgreements, type DataverseOrigin, type DynamicsProfileSummary } from "../model/dynamics.js";
import { deleteDynamics, readDynamicsFingerprints, recountDynamics, writeDynamics, type DynamicsRow } from "../store/dynamics.js";
import { listMailboxes } from "../store/mailboxes.js";
import { listProfiles, saveProfile, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { mergeSummary, readSummary, unknownSummary, writeSummary } from "../store/summaries.js";
import { settleInParallel } from "../util/in-parallel.js";
import { applyMailboxPlan } from "./apply-mailbox-plan.js";
import { removeProfile } from "./delete.js";
import { countStates } from "./import.js";
import { planMailboxSync } from "./mailbox-sync.js";

/** What the sync reads from the app (AppContext satisfies it). */
export interface DataverseSyncContext {
  settings: Pick<Settings, "dataverse">;
  storage: Storage;
  now(): Date;
  /** DNS_SERVERS, TRUSTED_CA_FILE and the app settings where the DATAVERSE_* secret settings live. */
  probe: Pick<PullEnvironment, "env" | "network" | "tokens">;
}

export interface SyncCounts {
  profiles: { created: number; updated: number; deleted: number; unchanged: number };
  mailboxes: { created: number; updated: number; deleted: number; unchanged: number };
}

/** One sync: Dataverse read and written here, or why nothing was written. */
export type SyncOutcome =
  | { kind: "not-configured" }
  | { kind: "wrong-settings"; problems: FieldProblem[] }
  | { kind: "unreadable"; failure: Failure }
  | {
      kind: "synced";
      counts: SyncCounts;
      /** Records left out, each with its reason; profiles whose id a profile from elsewhere holds. */
      skipped: Skipped[];
      /** Profiles whose writes failed (the others are written; the next sync tries again). */
      failed: { id: string; error: string }[];
      warnings: Failure[];
      /** Requests to Dataverse, retries included. */
      requests: number;
    };

const profilesInParallel = 4;

/**
 * Makes the stored profiles and mailboxes match Dataverse: reads everything first (a failed read writes nothing),
 * compares fingerprints, and writes only what changed. Per profile: mailboxes, Dynamics rows, summary, then the
 * profile entity with its fingerprint last, so a sync that stops half-way is finished by the next one.
 * Profiles that do not come from Dataverse are never touched.
 */
export async function syncDataverse(ctx: DataverseSyncContext, options: Pick<PullEnvironment, "pageSize" | "throttle" | "timeouts"> = {}): Promise<SyncOutcome> {
  const settings = ctx.settings.dataverse;
  if (settings === undefined) return { kind: "not-configured" };
  const now = ctx.now();
  const run = await runPull(settings, { env: ctx.probe.env, network: ctx.probe.network, tokens: ctx.probe.tokens, now: now.getTime(), ...options });
  if (run.kind !== "read") return run;

  const storedProfiles = await listProfiles(ctx.storage);
  const fromDataverse = storedProfiles.filter((p) => p.origin !== undefined);
  const fingerprints = await settleInParallel(fromDataverse, profilesInParallel, (p) => readDynamicsFingerprints(ctx.storage, p.profile.id));
  const storedMailboxes: StoredMailboxState[] = [];
  fingerprints.forEach((read, i) => {
    if (!read.ok) throw read.error;
    for (const f of read.value) storedMailboxes.push({ profileId: fromDataverse[i]!.profile.id, address: f.address, fingerprint: f.fingerprint });
  });
  const plan = planSync(
    { profiles: storedProfiles.map((p) => ({ id: p.profile.id, source: p.origin ? "dataverse" : "other", ...(p.origin ? { fingerprint: p.origin.fingerprint } : {}) })), mailboxes: storedMailboxes },
    run.result.profiles,
  );

  const failed: { id: string; error: string }[] = [];
  const work = changedProfiles(plan, run.result.profiles, new Map(storedProfiles.map((p) => [p.profile.id, p])));
  const settled = await settleInParallel(work, profilesInParallel, (w) => applyProfile(ctx.storage, w, now));
  settled.forEach((s, i) => {
    if (!s.ok) failed.push({ id: work[i]!.imported.profile.id, error: s.error instanceof Error ? s.error.message : String(s.error) });
  });
  for (const id of plan.profiles.delete) {
    try {
      await removeProfile(ctx.storage, id);
    } catch (error) {
      failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  const m = plan.mailboxes;
  return {
    kind: "synced",
    counts: {
      profiles: { created: plan.profiles.create.length, updated: plan.profiles.update.length, deleted: plan.profiles.delete.length, unchanged: plan.profiles.unchanged },
      mailboxes: { created: m.create.length, updated: m.update.length, deleted: m.delete.length, unchanged: m.unchanged },
    },
    skipped: [...run.result.skipped, ...plan.profiles.conflicts],
    failed,
    warnings: run.warnings,
    requests: run.requests,
  };
}

/** One profile's share of the plan. */
interface ProfileWork {
  imported: ImportedProfile;
  fingerprint: string;
  /** The profile entity must be written (new or changed settings, or new mailbox domains). */
  writeProfile: boolean;
  existed: boolean;
  upsert: { mailbox: ImportedProfile["mailboxes"][number]; fingerprint: string }[];
  deleteAddresses: string[];
}

function changedProfiles(plan: SyncPlan, pulled: readonly ImportedProfile[], stored: ReadonlyMap<string, StoredProfile>): ProfileWork[] {
  const byId = new Map<string, ProfileWork>();
  const entry = (imported: ImportedProfile, fingerprint: string): ProfileWork => {
    let w = byId.get(imported.profile.id);
    if (w === undefined) {
      w = { imported, fingerprint, writeProfile: false, existed: stored.has(imported.profile.id), upsert: [], deleteAddresses: [] };
      byId.set(imported.profile.id, w);
    }
    return w;
  };
  const fingerprintOf = new Map([...plan.profiles.create, ...plan.profiles.update].map((p) => [p.profile.profile.id, p.fingerprint]));
  const pulledById = new Map(pulled.map((p) => [p.profile.id, p]));
  const storedFingerprint = (id: string) => fingerprintOf.get(id) ?? stored.get(id)?.origin?.fingerprint ?? "";
  for (const { profile, fingerprint } of [...plan.profiles.create, ...plan.profiles.update]) entry(profile, fingerprint).writeProfile = true;
  for (const m of [...plan.mailboxes.create, ...plan.mailboxes.update]) {
    const imported = pulledById.get(m.profileId)!;
    entry(imported, storedFingerprint(m.profileId)).upsert.push({ mailbox: m.mailbox, fingerprint: m.fingerprint });
  }
  const deletedProfiles = new Set(plan.profiles.delete);
  for (const d of plan.mailboxes.delete) {
    if (deletedProfiles.has(d.profileId)) continue;
    const imported = pulledById.get(d.profileId)!;
    entry(imported, storedFingerprint(d.profileId)).deleteAddresses.push(d.address);
  }
  return [...byId.values()];
}

/** What is stored as the profile's settings: a profile without credentials gets a placeholder it is never probed with. */
function settingsOf(imported: ImportedProfile): Profile {
  if (imported.credentials === "mapped") return imported.profile;
  return { ...imported.profile, auth: placeholderAuth(imported.profile.auth) } as Profile;
}

function originOf(imported: ImportedProfile, fingerprint: string): DataverseOrigin {
  const origin: DataverseOrigin = { source: imported.source, credentials: imported.credentials, lastTest: imported.lastTest, fingerprint };
  if (imported.credentials === "missing") origin.needs = imported.needs;
  return origin;
}

async function applyProfile(storage: Storage, w: ProfileWork, now: Date): Promise<void> {
  const profile = settingsOf(w.imported);
  const id = profile.id;
  const mailboxesChanged = w.upsert.length > 0 || w.deleteAddresses.length > 0;
  let records = mailboxesChanged || !w.existed ? await listMailboxes(storage, id) : undefined;
  if (records !== undefined && mailboxesChanged) {
    const plan = planMailboxSync(records, profile);
    await applyMailboxPlan(storage, id, plan);
    records = plan.after;
    const rows: DynamicsRow[] = w.upsert.map(({ mailbox, fingerprint }) => ({
      profileId: id,
      address: mailbox.config.address,
      mailboxId: mailbox.mailboxId,
      verdict: mailbox.dynamics,
      alerts: mailbox.alerts,
      fingerprint,
    }));
    await writeDynamics(storage, rows);
    await deleteDynamics(storage, id, w.deleteAddresses);
  }

  const pulled: DynamicsProfileSummary = {
    source: w.imported.source,
    credentials: w.imported.credentials,
    ...(w.imported.credentials === "missing" ? { needs: w.imported.needs } : {}),
    lastTest: w.imported.lastTest,
    agreement: noAgreements(),
    countedAt: now.toISOString(),
  };
  records ??= await listMailboxes(storage, id);
  // The agreement classes counted from the Dynamics rows just written, beside the probe's stored mailbox records.
  const dynamics = (await recountDynamics(storage, { profileId: id, serverType: profile.serverType, dynamics: pulled }, records, now))!;
  const identity = { name: profile.name, owner: profile.owner, serverType: profile.serverType };
  const summary = await readSummary(storage, id);
  if (summary === undefined) await writeSummary(storage, { ...unknownSummary(profile, now), mailboxStates: countStates(records), dynamics });
  else await mergeSummary(storage, id, { ...identity, mailboxStates: countStates(records), dynamics });

  // Last: with its fingerprint stored, the profile counts as synced.
  if (w.writeProfile || mailboxesChanged) await saveProfile(storage, profile, now, originOf(w.imported, w.fingerprint));
}
