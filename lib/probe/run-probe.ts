import type { Profile } from "../config/profile.js";
import type { AlertRecord } from "../model/alert.js";
import type { MailboxCheck } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import { recordAlerts } from "../store/alerts.js";
import { recordChecks, type CheckResult } from "../store/checks.js";
import { recordTestConnection } from "../store/connection.js";
import { markRolledUp, markShardDone } from "../store/cycles.js";
import { listMailboxesOfShard, saveMailboxes } from "../store/mailboxes.js";
import { getProfile, type StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { compactSteps, mergeSummary, readSummary } from "../store/summaries.js";
import { checkMailboxes } from "./check-mailboxes.js";
import { openSession, type ProbeEnvironment } from "./open-session.js";
import { inParallel } from "./in-parallel.js";
import { applyCheck, isDue } from "./policy.js";
import { rollUpCycle } from "./roll-up.js";
import type { ProbeMessage } from "./schedule-plan.js";
import type { ProbeSession } from "./session.js";
import { testConnection } from "./test-connection.js";

export interface ProbeDeps {
  storage: Storage;
  probe: ProbeEnvironment;
  now(): Date;
}

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

/** How many mailbox results are written in one go: one transaction per table. */
const flushEvery = 100;

/** One probe message: Test Connection (shard 0, once per cycle), then every due mailbox of the shard, then the roll-up. */
export async function runProbe(deps: ProbeDeps, message: ProbeMessage): Promise<ProbeRunResult> {
  const [stored, mine] = await Promise.all([getProfile(deps.storage, message.profileId), listMailboxesOfShard(deps.storage, message.profileId, message.shard)]);
  if (stored === undefined) return { kind: "skipped", reason: "profile-not-found", profileId: message.profileId, cycle: message.cycle };
  if (stored.cycle > message.cycle) return { kind: "skipped", reason: "superseded", profileId: message.profileId, cycle: message.cycle };

  const due = mine.filter((m) => isDue(m, deps.now()) && (m.lastCycle ?? 0) < message.cycle);
  const alreadyChecked = mine.filter((m) => (m.lastCycle ?? 0) >= message.cycle).length;
  // The shard's own mailboxes; the other shards' domains still count as the profile's own.
  const profile: Profile = { ...stored.profile, mailboxes: mine.map(toConfig), trustedDomains: [...new Set([...stored.profile.trustedDomains, ...stored.mailboxDomains])] };

  const opened = openSession(profile, message.maxConnections, deps.probe);
  const writer = new ResultWriter(deps.storage, message);
  let testConnectionState: "ran" | "not-this-shard" | "already-ran" = "not-this-shard";
  let peakConnections = 0;

  if (!opened.ok) {
    // The monitor itself is misconfigured (its secret setting is missing): a profile-level failure for the
    // administrator, and the mailboxes' state is left alone — they are not at fault.
    if (message.shard.index === 0) testConnectionState = await recordSessionFailure(deps, stored, message, opened.failure);
  } else {
    const session = opened.value;
    try {
      // Test Connection first: run beside the mailbox checks, its Autodiscover and EWS requests would make the
      // connection budget trade sockets between hosts (more TLS handshakes than connections).
      if (message.shard.index === 0) testConnectionState = await runTestConnection(deps, session, stored, message);
      await checkMailboxes(session, due, message.maxConnections, (record, check) => writer.add(record, check, deps.now()));
      peakConnections = session.connections.stats().peakSockets;
    } finally {
      // What was checked is kept even when something below threw: a redelivery then only does the rest.
      await Promise.all([session.close(), writer.finish()]);
    }
  }

  const completion = await markShardDone(deps.storage, message.profileId, message.cycle, message.shard);
  const rollUp = completion.kind === "last" && !completion.rolledUp;
  if (rollUp) {
    // A cycle of one shard holds every mailbox as it now is; a sharded one lists them again.
    await rollUpCycle(deps.storage, stored, deps.now(), message.shard.count === 1 ? writer.merged(mine) : undefined);
    await markRolledUp(deps.storage, message.profileId, message.cycle);
  }
  return {
    kind: "probed",
    profileId: message.profileId,
    cycle: message.cycle,
    shard: message.shard,
    checked: writer.checked,
    failed: writer.failed,
    alreadyChecked,
    testConnection: testConnectionState,
    rolledUp: rollUp,
    peakConnections,
  };
}

async function runTestConnection(deps: ProbeDeps, session: ProbeSession, stored: StoredProfile, message: ProbeMessage) {
  const summary = await readSummary(deps.storage, stored.profile.id);
  if (summary?.lastTestConnection !== undefined && summary.lastTestConnection.at >= message.scheduledAt) return "already-ran" as const;
  const report = await testConnection(session);
  await storeTestConnection(deps, stored, message, summary?.lastTestConnection?.ok, {
    ok: report.ok,
    elapsedMs: report.elapsedMs,
    steps: report.steps,
    certificates: report.certificates,
    ...(report.server ? { server: report.server } : {}),
  });
  return "ran" as const;
}

async function recordSessionFailure(deps: ProbeDeps, stored: StoredProfile, message: ProbeMessage, failure: Failure) {
  const summary = await readSummary(deps.storage, stored.profile.id);
  if (summary?.lastTestConnection !== undefined && summary.lastTestConnection.at >= message.scheduledAt) return "already-ran" as const;
  await storeTestConnection(deps, stored, message, summary?.lastTestConnection?.ok, {
    ok: false,
    elapsedMs: 0,
    steps: [
      { step: "autodiscover", ok: false, elapsedMs: 0, error: failure },
      { step: "ews", ok: null, elapsedMs: 0 },
      { step: "mailbox", ok: null, elapsedMs: 0 },
    ],
    certificates: [],
  });
  return "ran" as const;
}

type RunOutcome = Omit<Parameters<typeof recordTestConnection>[2], "profile" | "mailboxes">;

async function storeTestConnection(deps: ProbeDeps, stored: StoredProfile, message: ProbeMessage, previousOk: boolean | undefined, run: RunOutcome) {
  const at = message.scheduledAt;
  await recordTestConnection(deps.storage, stored.profile.id, { profile: stored.profile.id, mailboxes: [], ...run }, new Date(at));
  const summary: Parameters<typeof mergeSummary>[2] = {
    lastTestConnection: { at, ok: run.ok, elapsedMs: run.elapsedMs, steps: compactSteps(run.steps) },
    certificates: run.certificates,
  };
  if (run.server !== undefined) summary.server = run.server;
  await mergeSummary(deps.storage, stored.profile.id, summary);
  if (previousOk !== undefined && previousOk !== run.ok) {
    const failedStep = run.steps.find((s) => s.ok === false);
    const failure = failedStep && failedStep.ok === false ? failedStep.error : undefined;
    const alert: AlertRecord = {
      profileId: stored.profile.id,
      at,
      kind: run.ok ? "test-connection-recovered" : "test-connection-failed",
      audience: "owner",
      message: run.ok
        ? `Test Connection of ${stored.profile.name} passes again.`
        : `Test Connection of ${stored.profile.name} fails at the ${failedStep?.step ?? "first"} step: ${failure?.message ?? ""} ${failure?.remediation ?? ""}`.trim(),
    };
    if (failure !== undefined) alert.failure = failure;
    await recordAlerts(deps.storage, [alert]);
  }
}

/** Buffers mailbox results and writes them in order: checks, then alerts, then the mailbox records (which mark the cycle done). */
class ResultWriter {
  checked = 0;
  failed = 0;
  #checks: CheckResult[] = [];
  #alerts: AlertRecord[] = [];
  #records: MailboxRecord[] = [];
  #updated = new Map<string, MailboxRecord>();
  #flushing: Promise<void> = Promise.resolve();
  #failed: unknown;

  constructor(
    private readonly storage: Storage,
    private readonly message: ProbeMessage,
  ) {}

  add(record: MailboxRecord, check: MailboxCheck, at: Date): Promise<void> {
    const outcome = applyCheck(record, check, at, this.message.cycle);
    this.checked += 1;
    if (!check.ok) this.failed += 1;
    this.#checks.push({ address: record.address, at, outcome: check.ok ? { ok: true } : { ok: false, failure: check.error } });
    // Alerts carry the cycle's time so that a redelivered message rewrites the same rows.
    this.#alerts.push(...outcome.alerts.map((a) => ({ ...a, at: this.message.scheduledAt })));
    this.#records.push(outcome.record);
    this.#updated.set(outcome.record.address, outcome.record);
    if (this.#records.length >= flushEvery) return this.flush();
    return Promise.resolve();
  }

  /** Writes what is left, then throws the first write error, if any (the message is then delivered again). */
  async finish(): Promise<void> {
    await this.flush();
    if (this.#failed !== undefined) throw this.#failed;
  }

  /** The given mailboxes with this run's results applied. */
  merged(mailboxes: readonly MailboxRecord[]): MailboxRecord[] {
    return mailboxes.map((m) => this.#updated.get(m.address) ?? m);
  }

  flush(): Promise<void> {
    const checks = this.#checks.splice(0);
    const alerts = this.#alerts.splice(0);
    const records = this.#records.splice(0);
    // A failed write does not poison the later ones; the first error is thrown by the final flush.
    this.#flushing = this.#flushing.then(async () => {
      if (records.length === 0) return;
      try {
        await recordChecks(this.storage, this.message.profileId, checks);
        await recordAlerts(this.storage, alerts);
        await saveMailboxes(this.storage, records);
      } catch (error) {
        this.#failed ??= error;
      }
    });
    return this.#flushing;
  }
}


function toConfig(record: MailboxRecord): Profile["mailboxes"][number] {
  return { address: record.address, approved: record.approved, ...record.wanted };
}

