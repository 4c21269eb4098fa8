import type { Settings } from "../config/settings.js";
import type { Once } from "../util/once.js";
import { listCycles, startCycle, undoCycleStart } from "../store/cycles.js";
import { listProfiles, claimSchedule, releaseSchedule, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { listMailboxCounts } from "../store/summaries.js";
import { importProfileFilesAsNeeded } from "./profile-files.js";
import { probeKindFor } from "../probes/choose.js";
import { encodeQueuePayload, type ProbeMessage } from "./message.js";
import { isPreviousCycleRunning, isProfileDue, planShards } from "./shards.js";

export interface ScheduleDeps {
  storage: Storage;
  now(): Date;
  probeQueue: string;
  shardSize: number;
  /** Every stored profile, when the caller has just listed them (else runSchedule lists them). */
  profiles?: readonly StoredProfile[];
}

export type ScheduleOutcome =
  | { kind: "enqueued"; profileId: string; cycle: number; messages: number }
  | { kind: "not-due"; profileId: string }
  /** A profile from Dataverse whose credentials the map file does not give: shown, never probed. */
  | { kind: "needs-credentials"; profileId: string }
  | { kind: "previous-cycle-running"; profileId: string; cycle: number }
  | { kind: "claimed-elsewhere"; profileId: string }
  /** No message of the cycle was accepted: nothing is recorded as running, and the claim was given back (or not). */
  | { kind: "enqueue-refused"; profileId: string; cycle: number; error: string; claim: "released" | "moved-on" | "not-released" }
  | { kind: "error"; profileId: string; error: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Whether the profile's probe may start on the first of its mailboxes. A stored profile too broken to tell (edited by
 * hand in the table) is read whole: its probe then fails with the reason, and the other profiles are scheduled.
 */
function startsOnFirstPage(profile: StoredProfile["profile"]): boolean {
  try {
    return probeKindFor(profile).startsOnFirstPage !== undefined;
  } catch {
    return false;
  }
}

/**
 * The schedule timer: for every profile whose polling interval has elapsed, claim the next cycle with the profile
 * entity's ETag (so two runs never schedule one cycle twice) and enqueue one message per shard.
 */
export async function runSchedule(deps: ScheduleDeps): Promise<ScheduleOutcome[]> {
  const now = deps.now();
  const [profiles, mailboxCounts, cycles] = await Promise.all([deps.profiles ?? listProfiles(deps.storage), listMailboxCounts(deps.storage), listCycles(deps.storage)]);
  const queue = await deps.storage.queue(deps.probeQueue);
  const outcomes: ScheduleOutcome[] = [];
  for (const stored of profiles) {
    const { profile } = stored;
    try {
      if (stored.origin?.credentials === "missing") {
        outcomes.push({ kind: "needs-credentials", profileId: profile.id });
        continue;
      }
      if (!isProfileDue(stored.lastScheduledAt, profile.pollingIntervalMinutes, now)) {
        outcomes.push({ kind: "not-due", profileId: profile.id });
        continue;
      }
      if (isPreviousCycleRunning(cycles.get(profile.id), stored.cycle, profile.pollingIntervalMinutes, now)) {
        outcomes.push({ kind: "previous-cycle-running", profileId: profile.id, cycle: stored.cycle });
        continue;
      }
      if ((await claimSchedule(deps.storage, profile.id, { etag: stored.etag, cycle: stored.cycle }, now)) === "lost") {
        outcomes.push({ kind: "claimed-elsewhere", profileId: profile.id });
        continue;
      }
      const planned: ProbeMessage[] = planShards(profile, mailboxCounts.get(profile.id) ?? 0, deps.shardSize, stored.cycle + 1, now, stored.bucketCounts, startsOnFirstPage(profile));
      const cycleEtag = await startCycle(deps.storage, profile.id, stored.cycle + 1, planned.length, now);
      const messages = planned.length === 1 && cycleEtag !== undefined ? [{ ...planned[0]!, cycleEtag }] : planned;
      const sent = await Promise.allSettled(messages.map((m) => queue.sendMessage(encodeQueuePayload(m))));
      const refused = sent.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      if (refused.length === messages.length) {
        // Nothing was accepted: the cycle record is undone (no phantom cycle holds the next one back) and the claim
        // given back, so the next run tries again instead of waiting the interval plus 15 minutes.
        const undone = await undoCycleStart(deps.storage, profile.id, stored.cycle + 1).then(() => releaseSchedule(deps.storage, profile.id, now, stored.lastScheduledAt)).catch(() => "not-released" as const);
        outcomes.push({ kind: "enqueue-refused", profileId: profile.id, cycle: stored.cycle + 1, error: messageOf(refused[0]!.reason), claim: undone });
        continue;
      }
      if (refused.length > 0) {
        // The accepted shards run; the cycle is taken as abandoned once overdue, and the lease keeps the connections in bounds.
        outcomes.push({ kind: "error", profileId: profile.id, error: `${refused.length} of ${messages.length} messages of cycle ${stored.cycle + 1} were refused: ${messageOf(refused[0]!.reason)}` });
        continue;
      }
      outcomes.push({ kind: "enqueued", profileId: profile.id, cycle: stored.cycle + 1, messages: messages.length });
    } catch (error) {
      outcomes.push({ kind: "error", profileId: profile.id, error: messageOf(error) });
    }
  }
  return outcomes;
}

/** What the schedule timer reads from the app. */
export interface ScheduleContext {
  settings: Pick<Settings, "profileFiles" | "probeQueue" | "shardSize">;
  storage: Storage;
  now(): Date;
  once: Once;
}

export interface TimerLog {
  info(message: string): void;
  warn(message: string): void;
  /** The per-run lines (each enqueued cycle), written only at LOG_LEVEL=debug. */
  debug?(message: string): void;
}

/** The schedule timer: import PROFILE_FILES (again when their profiles are gone), then enqueue every due profile. */
export async function scheduleTimer(ctx: ScheduleContext, log: TimerLog): Promise<ScheduleOutcome[]> {
  const { settings, storage } = ctx;
  // The profiles the import looks at are the ones the schedule goes through, unless it imported one: one read, not two.
  let listed: StoredProfile[] | undefined;
  if (settings.profileFiles.length > 0) {
    const existingIds = async () => (listed = await listProfiles(storage)).map((p) => p.profile.id);
    const imports = await importProfileFilesAsNeeded(ctx.once, storage, settings.profileFiles, ctx.now(), existingIds);
    for (const result of imports) {
      if (result.kind === "imported") log.info(`imported ${result.file} as profile ${result.profileId}`);
      else log.warn(`${result.file} was not imported:\n  ${result.problems.join("\n  ")}`);
    }
    if (imports.some((r) => r.kind === "imported")) listed = undefined;
  }
  const outcomes = await runSchedule({ storage, now: ctx.now, probeQueue: settings.probeQueue, shardSize: settings.shardSize, ...(listed === undefined ? {} : { profiles: listed }) });
  for (const o of outcomes) {
    if (o.kind === "enqueued") log.debug?.(`profile ${o.profileId}: cycle ${o.cycle} enqueued in ${o.messages} message(s)`);
    if (o.kind === "error") log.warn(`profile ${o.profileId} could not be scheduled: ${o.error}`);
    if (o.kind === "enqueue-refused")
      log.warn(`profile ${o.profileId}: the queue refused cycle ${o.cycle} (${o.error}); nothing recorded as running, ${o.claim === "released" ? "tried again at the next run" : "tried again when due"}`);
    if (o.kind === "previous-cycle-running") log.warn(`profile ${o.profileId}: cycle ${o.cycle} is still running; the next one waits (a cycle longer than the polling interval)`);
  }
  return outcomes;
}
