import type { MailboxRecord } from "../model/mailbox.js";
import type { ProfileFailure, ProfileSummary } from "../model/summary.js";
import type { OnChecked, OpenProbe } from "../probes/kind.js";
import { publicReport, recordCycleConnectionRun } from "../recording/connection-run.js";
import { readinessDue, recordReadiness } from "../recording/readiness.js";
import type { StoredProfile } from "../store/profiles.js";
import type { SummaryUpdate } from "../store/summaries.js";
import type { ProbeMessage } from "./message.js";
import type { ProbeDeps } from "./probe-deps.js";
import { withUpdate } from "./summary-update.js";

export interface ConnectionRunOutcome {
  state: "ran" | "already-ran";
  summary: ProfileSummary | undefined;
  /** Summary fields a cycle of one shard writes with its roll-up. */
  pending?: SummaryUpdate;
}

/**
 * The first shard's Test Connection in one of the shard's places, beside the mailbox checks: the run, the daily
 * readiness check, then the mailboxes the run opened (its test mailboxes, and those its own request had room for).
 * They are to be left out of the other places (`opened`: their lower-case addresses), so that no mailbox is asked twice
 * at once (Graph allows four requests at a time per mailbox); the run's own full check of each is recorded as its check
 * for the cycle, and only one the run did not check is checked afterwards. The place comes free once those requests
 * end (`placeFreed`), before the run is recorded: a place held through storage writes would leave a connection idle.
 */
export function testConnectionInItsPlace(
  deps: ProbeDeps,
  stored: StoredProfile,
  message: ProbeMessage,
  probe: OpenProbe,
  shard: { due: readonly MailboxRecord[]; all: readonly MailboxRecord[] },
  summary: ProfileSummary | undefined,
  onChecked: OnChecked,
): { done: Promise<ConnectionRunOutcome>; placeFreed: Promise<unknown>; opened: ReadonlySet<string> } {
  const { due, all: placed } = shard;
  const opened = new Set(probe.testMailboxes(due, placed).map((a) => a.toLowerCase()));
  const afterIt = due.filter((m) => opened.has(m.address.toLowerCase()));
  const recorded = alreadyRan(summary, message);
  const requests = (async () => {
    const report = recorded ? undefined : await probe.checkEndpoints({ readiness: false, alongside: afterIt, placed });
    await dailyReadiness(deps, stored.profile.id, probe, summary);
    const checks = new Map((report?.testMailboxChecks ?? []).map((check) => [check.address.toLowerCase(), check]));
    for (const record of afterIt) {
      const check = checks.get(record.address.toLowerCase());
      if (check !== undefined) await onChecked(record, check);
    }
    const unchecked = afterIt.filter((m) => !checks.has(m.address.toLowerCase()));
    if (unchecked.length > 0) await probe.checkMailboxes(unchecked, 1, onChecked);
    return report;
  })();
  const done = requests.then((report): Promise<ConnectionRunOutcome> | ConnectionRunOutcome =>
    report === undefined ? { state: "already-ran", summary } : runTestConnection(deps, stored, message, "exchange", summary, async () => publicReport(report)),
  );
  return { done, placeFreed: requests, opened };
}

/** Exchange Online and hybrid profiles: readiness once a day (Test Connection on demand checks it too). */
async function dailyReadiness(deps: ProbeDeps, profileId: string, probe: OpenProbe, summary: ProfileSummary | undefined): Promise<void> {
  if (probe.checkReadiness === undefined || !readinessDue(summary?.readiness, deps.now())) return;
  try {
    await recordReadiness(deps.storage, profileId, await probe.checkReadiness(), deps.now(), "daily-check");
  } catch {
    // Readiness is advice, never a reason to leave the mailboxes unchecked; the next cycle tries again.
  }
}

/** A redelivered first shard finds the cycle's run already recorded, at the cycle's time. */
const alreadyRan = (summary: ProfileSummary | undefined, message: ProbeMessage): boolean =>
  summary?.lastTestConnection !== undefined && summary.lastTestConnection.at >= message.scheduledAt;

/**
 * Once per cycle, with the profile's summary as the first shard read it. Also answers the summary as it now stands, so
 * this shard's roll-up need not read it again. A cycle of one shard leaves the summary's fields `pending` for its
 * roll-up to write.
 */
export async function runTestConnection(
  deps: ProbeDeps,
  stored: StoredProfile,
  message: ProbeMessage,
  origin: ProfileFailure["origin"],
  summary: ProfileSummary | undefined,
  run: () => Promise<ReturnType<typeof publicReport>>,
): Promise<ConnectionRunOutcome> {
  if (alreadyRan(summary, message)) return { state: "already-ran", summary };
  const summaryWrite = message.shard.count === 1 ? "by-the-caller" : "now";
  const written = await recordCycleConnectionRun(deps.storage, stored.profile, await run(), message.scheduledAt, summary?.lastTestConnection?.ok, origin, summaryWrite);
  const known = summary === undefined ? undefined : withUpdate(summary, written);
  return summaryWrite === "now" ? { state: "ran", summary: known } : { state: "ran", summary: known, pending: written };
}
