import type { MailboxRecord } from "../model/mailbox.js";
import type { StateCounts } from "../store/cycles.js";
import type { HourlyRow, ProfileFailure, ProfileSummary, WindowFigures } from "../model/summary.js";
import { countStates } from "../profiles/import.js";
import { hourInMaintenance } from "../maintenance/in-force.js";
import { healthOf } from "./health.js";
import { failingMailboxes, hourlyRow, windowFigures } from "./window.js";
import { readChecksForHours, RecordedOverStored, type CheckResult, type StoredHourCheck } from "../store/checks.js";
import { recountDynamics } from "../store/dynamics.js";
import { upsertHourly } from "../store/hourly.js";
import { hourKey, hourKeysBetween, hourStart } from "../store/keys.js";
import { listMailboxes } from "../store/mailboxes.js";
import type { StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { mergeSummary, readSummary, type SummaryUpdate } from "../store/summaries.js";
import { withUpdate } from "./summary-update.js";

const hourMs = 60 * 60_000;

/**
 * After the last shard of a cycle: the clock-hour rows of the hours the last 60 minutes touch, the rolling
 * last-60-minutes figure, mailbox states and health, written to the profile's summary for the status API.
 * `known`: every mailbox of the profile as it now is, or (a sharded cycle) how many are in each state, saves listing
 * them again (a profile from Dataverse, whose verdicts are counted against the mailboxes, lists them); so does
 * `knownSummary` (the summary as this invocation last read and wrote it) for reading the summary. The fields the
 * roll-up reads are written only by the roll-up and the cycle's Test Connection, except a Dataverse profile's
 * `dynamics`, which the sync may change at any time: such a summary is read again. `pending`: summary fields the
 * caller has not written yet (the cycle's Test Connection), written with the roll-up's and counted in its health.
 */
export async function rollUpCycle(
  storage: Storage,
  stored: StoredProfile,
  now: Date,
  known?: KnownMailboxes,
  knownSummary?: ProfileSummary,
  pending?: SummaryUpdate,
  checksSoFar?: ChecksSoFar,
): Promise<void> {
  const id = stored.profile.id;
  const fromDataverse = stored.origin !== undefined || knownSummary?.dynamics !== undefined;
  const [{ from, hours, checks, figures }, read, listed] = await Promise.all([
    windowFrom(checksSoFar, now) ?? readWindow(storage, id, now),
    knownSummary !== undefined && knownSummary.dynamics === undefined ? knownSummary : readSummary(storage, id),
    known?.kind === "records" ? known.records : known?.kind === "states" && !fromDataverse ? undefined : listMailboxes(storage, id),
  ]);
  const current = listed ?? [];
  const summary = read === undefined || pending === undefined ? read : withUpdate(read, pending);
  const windows = stored.profile.maintenance ?? [];
  const rows = hours.map((hour): HourlyRow => {
    const row = hourlyRow(checks.filter((c) => c.hour === hour), hour);
    return hourInMaintenance(windows, hourStart(hour)) ? { ...row, maintenance: true } : row;
  });
  // An hour's row is written only when its figures differ from the summary's copy, the current hour's included (in a
  // steady hour they stay put cycle after cycle). The summary is written after the rows, so its copy is never ahead.
  const unchanged = (row: HourlyRow) =>
    summary !== undefined &&
    summary.hourly.some((h) => h.hour === row.hour && h.processed === row.processed && h.failed === row.failed && h.maintenance === row.maintenance);
  await Promise.all(rows.filter((row) => !unchanged(row)).map((row) => upsertHourly(storage, id, row)));

  const failedByCategory: Record<string, number> = {};
  for (const m of failingMailboxes(checks, from, now)) failedByCategory[m.lastError?.category ?? "unknown"] = (failedByCategory[m.lastError?.category ?? "unknown"] ?? 0) + 1;
  const lastHour = { ...figures, from: from.toISOString(), to: now.toISOString(), failedByCategory };
  const hourly = lastDay([...(summary?.hourly ?? []).filter((h) => !hours.includes(h.hour)), ...rows], now);
  const mailboxStates = listed === undefined && known?.kind === "states" ? known.states : countStates(current);
  const certificateDays = (summary?.certificates ?? []).map((c) => c.daysLeft);
  const health = healthOf({
    lastHour,
    disabledMailboxes: mailboxStates.disabled,
    ...(summary?.lastTestConnection ? { lastTestConnection: summary.lastTestConnection } : {}),
    ...(certificateDays.length > 0 ? { minCertDaysLeft: Math.min(...certificateDays) } : {}),
  });
  // A profile from Dataverse: Dynamics' verdict beside the probe's, counted again now that the probe moved on.
  const dynamics = summary === undefined || listed === undefined ? undefined : await recountDynamics(storage, summary, current, now);
  await mergeSummary(storage, id, { ...pending, lastHour, hourly, mailboxStates, health, name: stored.profile.name, owner: stored.profile.owner, updatedAt: now.toISOString(), ...(dynamics ? { dynamics } : {}) });
}

/**
 * A cycle of one shard reads the window's check rows while it probes (`readChecksEarly`) and adds its own results
 * to them when it rolls up (`RecordedOverStored`), instead of reading every row again after its last write. Rows
 * another run writes meanwhile (an on-demand Test & Enable) reach the summary at the next roll-up; the notifier
 * reads the table at its own time.
 */
export interface ChecksSoFar {
  read: { hours: string[]; checks: StoredHourCheck[] };
  recorded: readonly CheckResult[];
  /** `recorded` over `read`, folded in so far (a large shard folds most of its results while its last answers come). */
  folded?: RecordedOverStored;
}

/**
 * When a cycle's roll-up ends its window [end − 60 min, end): now, or just after the last result the cycle recorded
 * when the clock has not moved on since (a result of the same millisecond would be left out of its own cycle's figure).
 */
export function windowEndAfter(now: Date, recorded: readonly Pick<CheckResult, "at">[]): Date {
  let last = now.getTime() - 1;
  for (const { at } of recorded) last = Math.max(last, at.getTime());
  return last < now.getTime() ? now : new Date(last + 1);
}

/** The window's check rows as they are now, or undefined when they cannot be read (the roll-up reads them then). */
export function readChecksEarly(storage: Storage, profileId: string, now: Date): Promise<ChecksSoFar["read"] | undefined> {
  const hours = hourKeysBetween(new Date(now.getTime() - hourMs), now);
  return readChecksForHours(storage, profileId, hours).then(
    (checks) => ({ hours, checks }),
    () => undefined,
  );
}

/** The window from the rows read early and the results recorded since; undefined when the read misses an hour. */
function windowFrom(soFar: ChecksSoFar | undefined, now: Date): LastHour | undefined {
  if (soFar === undefined) return undefined;
  const from = new Date(now.getTime() - hourMs);
  const hours = hourKeysBetween(from, now);
  const newestRead = soFar.read.hours[soFar.read.hours.length - 1] ?? "";
  // An hour after the read began during the cycle: only this cycle's results are in it.
  if (!hours.every((h) => soFar.read.hours.includes(h) || h > newestRead)) return undefined;
  const checks = (soFar.folded ?? new RecordedOverStored(soFar.read.checks, soFar.recorded)).rows().filter((c) => hours.includes(c.hour));
  return { from, hours, checks, figures: windowFigures(checks, from, now) };
}

/** What the caller knows of the profile's mailboxes after the cycle: every record, or only the counts per state. */
export type KnownMailboxes = { kind: "records"; records: readonly MailboxRecord[] } | { kind: "states"; states: StateCounts };

export interface LastHour {
  from: Date;
  /** The clock hours (`yyyyMMddHH`) the last 60 minutes touch, oldest first. */
  hours: string[];
  checks: StoredHourCheck[];
  /** Distinct mailboxes tried in [now − 60 min, now), and those among them with no successful try. */
  figures: WindowFigures;
  /**
   * The last cycle's Test Connection failed for the profile as a whole within the window: every approved mailbox
   * counts as failed for that cycle (their check rows carry this failure), and the email leads with it.
   */
  profileFailure?: ProfileFailure;
}

/**
 * The last 60 minutes of a profile, computed from the check rows: the roll-up stores it as the summary's
 * `lastHour`, and the notifier asks it again at its own time (the stored figure ends at the last roll-up, so it
 * would miss results recorded since and keep tries that have left the window).
 */
export async function readLastHour(storage: Storage, profileId: string, now: Date): Promise<LastHour> {
  const [window, summary] = await Promise.all([readWindow(storage, profileId, now), readSummary(storage, profileId)]);
  const failure = profileFailureWithin(summary?.profileFailure, window.from, now);
  return failure === undefined ? window : { ...window, profileFailure: failure };
}

/** The summary's profile-level failure when it happened in [from, to). */
export function profileFailureWithin(failure: ProfileFailure | undefined, from: Date, to: Date): ProfileFailure | undefined {
  if (failure === undefined) return undefined;
  const at = Date.parse(failure.at);
  return at >= from.getTime() && at < to.getTime() ? failure : undefined;
}

async function readWindow(storage: Storage, profileId: string, now: Date): Promise<LastHour> {
  const from = new Date(now.getTime() - hourMs);
  const hours = hourKeysBetween(from, now);
  const checks = await readChecksForHours(storage, profileId, hours);
  return { from, hours, checks, figures: windowFigures(checks, from, now) };
}

/** The 24 clock hours up to now, oldest first, from the rows the summary already holds plus the new ones. */
function lastDay(rows: HourlyRow[], now: Date): HourlyRow[] {
  const since = hourKey(new Date(now.getTime() - 23 * hourMs));
  return rows.filter((r) => r.hour >= since).sort((a, b) => a.hour.localeCompare(b.hour));
}
