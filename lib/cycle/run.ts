import type { Profile } from "../config/profile.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { ProfileSummary } from "../model/summary.js";
import { probeKindFor } from "../probes/choose.js";
import type { OnChecked } from "../probes/kind.js";
import { unopenedReport } from "../recording/connection-run.js";
import { MailboxResults } from "../recording/mailbox-results.js";
import { markRolledUp, markShardDone } from "../store/cycles.js";
import { listMailboxesOfShard, readMailboxesOfShard, shardBuckets } from "../store/mailboxes.js";
import { getProfile, type StoredProfile } from "../store/profiles.js";
import { mergeSummary, readSummary, type SummaryUpdate } from "../store/summaries.js";
import { readProbeMessage, type ProbeMessage } from "./message.js";
import { isDue } from "./policy.js";
import { rollUpCycle, windowEndAfter, type ChecksSoFar, type KnownMailboxes } from "./roll-up.js";
import type { CheckResult } from "../store/checks.js";
import { WindowAlongside } from "./window-alongside.js";
import { countStates } from "../profiles/import.js";
import { dropShare, ProfileBusy, startShare, withConnectionShare, type ShareRequest, type StartedShare } from "./connection-share.js";
import { firstConnectionOf } from "./shard-sizes.js";
import type { ProbeDeps } from "./probe-deps.js";
import { allOf, handled, isAsRead, mapAsRead, readEnded, type ItemSource } from "../util/as-read.js";
import { afterTurns } from "../util/turns.js";
import { runTestConnection, testConnectionInItsPlace } from "./test-connection.js";

export type { ProbeDeps };

export type ProbeRunResult =
  | { kind: "skipped"; reason: "profile-not-found" | "superseded"; profileId: string; cycle: number }
  | {
      kind: "probed";
      profileId: string;
      cycle: number;
      shard: ProbeMessage["shard"];
      checked: number;
      failed: number;
      alreadyChecked: number;
      testConnection: "ran" | "not-this-shard" | "already-ran";
      rolledUp: boolean;
      peakConnections: number;
    };

/** The queue function's work: the message validated, then probed. */
export async function handleProbeMessage(deps: ProbeDeps, payload: unknown): Promise<ProbeRunResult> {
  return runProbe(deps, readProbeMessage(payload));
}

/** One probe message: Test Connection (shard 0, once per cycle), then every due mailbox of the shard, then the roll-up. */
export async function runProbe(deps: ProbeDeps, message: ProbeMessage): Promise<ProbeRunResult> {
  const buckets = message.buckets ?? shardBuckets(message.shard);
  const listShard = () => listMailboxesOfShard(deps.storage, message.profileId, buckets);
  // A shard planned to start on its first page of mailboxes reads the others while it starts (see probeShard).
  const readShard = (): Promise<ItemSource<MailboxRecord>> => (message.firstPage === undefined ? listShard() : readMailboxesOfShard(deps.storage, message.profileId, buckets, message.firstPage));
  // The shard's connections are a share of the profile's, held in its lease while it runs: an on-demand run, a cycle
  // taken as abandoned that still runs, or this very message delivered twice never add to them. It is asked for
  // while the profile and the shard's mailboxes are read, with the limit the cycle was planned with.
  const shareWith = (limit: number) => ({
    label: `cycle ${message.cycle} shard ${message.shard.index + 1}/${message.shard.count}`,
    want: message.maxConnections,
    limit,
    firstSlot: firstConnectionOf(limit, message.shard.count, message.shard.index),
  });
  const early = message.profileLimit === undefined ? undefined : startShare(deps.storage, message.profileId, shareWith(message.profileLimit));
  // The first shard's Test Connection starts from the profile's summary: read beside them, it is in hand when the run can start.
  const readSummaryOfShard = () => (message.shard.index === 0 ? readSummary(deps.storage, message.profileId) : Promise.resolve(undefined));
  // The longest read, the shard's mailboxes, goes out once the others are sent: storage that serves one request at a
  // time then answers them first, and the share is in hand when the mailboxes are.
  const afterTheOthersSent = afterTurns();
  const reads = [getProfile(deps.storage, message.profileId), afterTheOthersSent.then(readShard), readSummaryOfShard()] as const;
  const [stored, read, summary] = await Promise.all(reads).catch(async (error: unknown) => {
    // The other reads (and the rest of the mailboxes) are let finish: the invocation leaves no request in flight.
    await Promise.allSettled([reads[0], reads[1].then(readEnded), reads[2]]);
    if (early !== undefined) await dropShare(deps.storage, message.profileId, early);
    throw error;
  });
  const skipped = (reason: "profile-not-found" | "superseded") => ({ kind: "skipped" as const, reason, profileId: message.profileId, cycle: message.cycle });
  // The share asked for early serves only a shard that runs, with the limit it was asked with.
  const runs = stored !== undefined && stored.cycle <= message.cycle;
  const started = runs && stored.profile.maxConcurrentConnections === message.profileLimit ? early : undefined;
  if (early !== undefined && started === undefined) await dropShare(deps.storage, message.profileId, early);
  if (!runs) {
    await readEnded(read);
    return skipped(stored === undefined ? "profile-not-found" : "superseded");
  }

  const asked = { share: started, handedOver: false };
  try {
    return await probeShard(deps, message, stored, { read, summary }, shareWith, asked, { listShard, readSummaryOfShard });
  } catch (error) {
    // Thrown before withConnectionShare took the share over (it gives back what it holds itself).
    if (asked.share !== undefined && !asked.handedOver) await dropShare(deps.storage, message.profileId, asked.share);
    throw error;
  } finally {
    // However the shard ended, the rest of a read begun is let finish: the invocation leaves no request in flight.
    await readEnded(read);
  }
}

async function probeShard(
  deps: ProbeDeps,
  message: ProbeMessage,
  stored: StoredProfile,
  atStart: { read: ItemSource<MailboxRecord>; summary: ProfileSummary | undefined },
  shareWith: (limit: number) => ShareRequest,
  asked: { share: StartedShare | undefined; handedOver: boolean },
  readAgain: { listShard: () => Promise<MailboxRecord[]>; readSummaryOfShard: () => Promise<ProfileSummary | undefined> },
): Promise<ProbeRunResult> {
  // The shard's mailboxes, those due now, and how many this cycle already checked (a redelivered message).
  const workOf = (mine: readonly MailboxRecord[]) => ({
    mine: [...mine],
    due: mine.filter((m) => isDue(m, deps.now()) && (m.lastCycle ?? 0) < message.cycle),
    alreadyChecked: mine.filter((m) => (m.lastCycle ?? 0) >= message.cycle).length,
  });
  const kind = probeKindFor(stored.profile);
  // Read as they come, the first page's mailboxes are probed while the others are read (and added as they come) when
  // the kind takes them so, and, on the shard that runs Test Connection, picks the same test mailbox from them as from
  // all; otherwise the probe waits for all.
  const mailboxes = atStart.read;
  const startsNow = isAsRead(mailboxes) && kind.startsOnFirstPage !== undefined && (message.shard.index !== 0 || kind.startsOnFirstPage(mailboxes.first));
  const later = startsNow ? mailboxes.rest : undefined;
  let work = workOf(startsNow ? mailboxes.first : await allOf(mailboxes));
  const addToWork = (rest: ReturnType<typeof workOf>) => {
    work = { mine: [...work.mine, ...rest.mine], due: [...work.due, ...rest.due], alreadyChecked: work.alreadyChecked + rest.alreadyChecked };
    return rest.due;
  };
  let summaryAtStart = atStart.summary;
  // The shard's own mailboxes (the first page's only, when it starts on them); the other shards' domains still count as
  // the profile's own.
  const profile: Profile = { ...stored.profile, mailboxes: work.mine.map(toConfig), trustedDomains: [...new Set([...stored.profile.trustedDomains, ...stored.mailboxDomains])] };

  const results = new MailboxResults(deps.storage, { profileId: message.profileId, cycle: message.cycle, alertsKeyAt: message.scheduledAt });
  let testConnectionState: "ran" | "not-this-shard" | "already-ran" = "not-this-shard";
  let peakConnections = 0;
  let knownSummary: ProfileSummary | undefined;
  let pendingSummary: SummaryUpdate | undefined;
  let ranAlongside = false;
  const window = message.shard.count === 1 ? new WindowAlongside(deps.storage, message.profileId, () => deps.now(), results.checkResults) : undefined;
  let resultsStored: Promise<void> = Promise.resolve();
  let probeClosed: Promise<void> = Promise.resolve();

  const share = shareWith(stored.profile.maxConcurrentConnections);
  // The share goes back once the last results are stored and the connections closed (`probeClosed` follows the writes,
  // however they end): a run waiting for it then reads them, never overtakes them, and opens no connection early.
  const shareOptions = { waitMs: deps.shareWaitMs ?? 60_000, releaseAlongside: true, releaseAfter: () => probeClosed, ...(asked.share === undefined ? {} : { started: asked.share }) };
  asked.handedOver = true;
  const shared = await withConnectionShare(deps.storage, message.profileId, share, shareOptions, async (connections, { waited }) => {
    if (waited) {
      // Another run held the connections (this very message delivered twice, say): what it checked is not done again.
      ranAlongside = true;
      let listed: MailboxRecord[];
      [listed, summaryAtStart] = await Promise.all([readAgain.listShard(), readAgain.readSummaryOfShard(), later?.catch(() => undefined)]);
      work = workOf(listed);
    }
    // The mailboxes in hand now; the rest are added to the shard's as read (unless read again whole just now), and those
    // of them due are checked.
    const inHand = work;
    const dueLater = later === undefined || waited ? undefined : handled(later.then((rest) => addToWork(workOf(rest))));
    const opened = await kind.open(profile, { maxConnections: connections }, deps.probe);
    if (!opened.ok) {
      // The monitor itself is misconfigured (its secret setting is missing): a profile-level failure for the
      // administrator, and the mailboxes' state is left alone — they are not at fault.
      if (message.shard.index === 0) {
        ({ state: testConnectionState, summary: knownSummary, pending: pendingSummary } = await runTestConnection(deps, stored, message, "setup", summaryAtStart, async () =>
          unopenedReport(kind, stored.profile.id, opened.failure),
        ));
      }
      await dueLater;
      return;
    }
    const probe = opened.value;
    try {
      const onChecked: OnChecked = (record, check) => {
        window?.answered();
        return results.add(record, check, deps.now());
      };
      // Test Connection holds one of the shard's places while the mailbox checks take the others (started after
      // it, they would wait a round trip with every other connection idle); a mailbox takes its place once Test
      // Connection's requests end.
      const connectionRun = message.shard.index === 0 ? testConnectionInItsPlace(deps, stored, message, probe, { due: inHand.due, all: inHand.mine }, summaryAtStart, onChecked) : undefined;
      const places = { limit: connections, ...(connectionRun === undefined ? {} : { heldUntil: connectionRun.placeFreed }), ...writeEarly(() => work.due.length, results, window) };
      const notOpened = (due: readonly MailboxRecord[]) => (connectionRun === undefined ? [...due] : due.filter((m) => !connectionRun.opened.has(m.address.toLowerCase())));
      const toCheck: ItemSource<MailboxRecord> = dueLater === undefined ? notOpened(inHand.due) : mapAsRead({ first: inHand.due, rest: dueLater }, notOpened);
      const checked = probe.checkMailboxes(toCheck, places, onChecked);
      // Both end before the connections close, whichever of them throws.
      const [ran, all] = await Promise.allSettled([connectionRun?.done, checked]);
      if (ran.status === "rejected") throw ran.reason;
      if (all.status === "rejected") throw all.reason;
      if (ran.value !== undefined) ({ state: testConnectionState, summary: knownSummary, pending: pendingSummary } = ran.value);
      await dueLater;
      peakConnections = probe.peakConnections();
    } catch (error) {
      // What was checked is kept even when something below threw: a redelivery then only does the rest. The window's
      // read begun at the first answer ends first too. All three end, whichever fails, and the first error is the one told.
      await Promise.allSettled([probe.close(), results.finish(), window?.soFar()]);
      throw error;
    }
    // The last results are written while the shard finishes, which awaits them before it counts the cycle done.
    resultsStored = handled(results.finish());
    // The idle connections close once the results are stored (the share goes back after both), one turn later: tearing
    // them down first would delay the writes, and the cycle's mark that follows the results.
    const closeNextTurn = () => afterTurns().then(() => probe.close());
    probeClosed = resultsStored.then(closeNextTurn, closeNextTurn);
  });
  // Thrown, the message comes back after its visibility timeout, when the connections may be free.
  if (shared.kind === "busy") throw new ProfileBusy(message.profileId, shared.holders);

  // The share is given back meanwhile; the invocation ends once it is.
  // A first delivery of a sole shard knows the cycle row as the schedule left it; a redelivery reads it.
  const scheduledEtag = work.alreadyChecked === 0 && !ranAlongside ? message.cycleEtag : undefined;
  const soFar = await window?.soFar();
  // A Test Connection that failed for the whole profile wrote a failed check for every mailbox itself: read them all.
  const checksSoFar = (pendingSummary?.profileFailure ?? null) !== null ? undefined : soFar;
  const summary = { known: knownSummary, pending: pendingSummary, checksSoFar };
  const end = { stored, message, after: results.merged(work.mine), summary, scheduledEtag, resultsStored, recorded: results.checkResults };
  const rollUp = await finishShard(deps, end).finally(() => shared.released);
  return {
    kind: "probed",
    profileId: message.profileId,
    cycle: message.cycle,
    shard: message.shard,
    checked: results.checked,
    failed: results.failed,
    alreadyChecked: work.alreadyChecked,
    testConnection: testConnectionState,
    rolledUp: rollUp,
    peakConnections,
  };
}

/**
 * A shard's last results are written after its last answer. Once its last requests are out, the results in hand are
 * written (and folded into the roll-up's window) while their answers come, so the end writes only those. That costs a
 * transaction per table; a shard of fewer than 1,000 mailboxes does not spend them (they would take its storage
 * requests per check past 0.05).
 */
const writeEarlyFrom = 1_000;
const writeEarly = (due: () => number, results: MailboxResults, window: WindowAlongside | undefined) => ({
  lastStarted: () => {
    if (due() < writeEarlyFrom) return;
    results.writeInHand();
    window?.foldSoon();
  },
});

/**
 * Marks the shard done; the last one rolls the cycle up (a cycle of one shard holds every mailbox as it now is, a
 * sharded one adds up the states its shards left). Answers whether this shard rolled it up. `resultsStored`: the
 * shard's last results being written. A shard counts as done, and a roll-up as made, only once they are stored; a
 * sole shard that knows the window's checks (`checksSoFar`) computes and writes its roll-up meanwhile (a write that
 * fails leaves the cycle not rolled up, and the redelivered message rolls it up again from the table).
 */
async function finishShard(deps: ProbeDeps, end: ShardEnd): Promise<boolean> {
  try {
    return await finishInOrder(deps, end);
  } finally {
    // Whatever threw, the invocation does not end with the shard's writes still in flight.
    await end.resultsStored.catch(() => undefined);
  }
}

/** What a shard ends with: its mailboxes as they now are, the summary fields it knows, its last writes. */
interface ShardEnd {
  stored: StoredProfile;
  message: ProbeMessage;
  after: MailboxRecord[];
  summary: { known: ProfileSummary | undefined; pending: SummaryUpdate | undefined; checksSoFar: ChecksSoFar | undefined };
  scheduledEtag: string | undefined;
  resultsStored: Promise<void>;
  /** The shard's own results: the roll-up's window ends after the last of them. */
  recorded: readonly CheckResult[];
}

async function finishInOrder(deps: ProbeDeps, { stored, message, after, summary, scheduledEtag, resultsStored, recorded }: ShardEnd): Promise<boolean> {
  const alongside = message.shard.count === 1 && summary.checksSoFar !== undefined;
  if (!alongside) await resultsStored;
  const states = message.shard.count === 1 ? undefined : countStates(after);
  const completion = await markShardDone(deps.storage, message.profileId, message.cycle, message.shard, states, scheduledEtag);
  if (completion.kind !== "last" || completion.rolledUp) {
    await resultsStored;
    if (summary.pending !== undefined) await mergeSummary(deps.storage, message.profileId, summary.pending);
    return false;
  }
  const known: KnownMailboxes | undefined =
    message.shard.count === 1 ? { kind: "records", records: after } : completion.states !== undefined ? { kind: "states", states: completion.states } : undefined;
  // Alongside the last writes, the roll-up computes once they have gone out (it takes milliseconds of CPU).
  if (alongside) await afterTurns();
  const now = windowEndAfter(deps.now(), recorded);
  const [rolled, written] = await Promise.allSettled([rollUpCycle(deps.storage, stored, now, known, summary.known, summary.pending, summary.checksSoFar), resultsStored]);
  if (written.status === "rejected") throw written.reason;
  if (rolled.status === "rejected") throw rolled.reason;
  await markRolledUp(deps.storage, message.profileId, message.cycle, completion);
  return true;
}

export function describeProbeResult(result: ProbeRunResult): string {
  if (result.kind === "skipped") return `profile ${result.profileId} cycle ${result.cycle}: skipped (${result.reason})`;
  const shard = result.shard.count > 1 ? ` shard ${result.shard.index + 1}/${result.shard.count}` : "";
  return (
    `profile ${result.profileId} cycle ${result.cycle}${shard}: ${result.checked} mailboxes checked, ${result.failed} failed` +
    (result.alreadyChecked > 0 ? `, ${result.alreadyChecked} already checked in this cycle` : "") +
    `; Test Connection ${result.testConnection}; peak ${result.peakConnections} connections${result.rolledUp ? "; rolled up" : ""}`
  );
}

function toConfig(record: MailboxRecord): Profile["mailboxes"][number] {
  return { address: record.address, approved: record.approved, ...record.wanted, ...(record.location === undefined ? {} : { location: record.location }) };
}
