import { z } from "zod";
import { formatIssues, type FieldProblem } from "../config/issues.js";
import type { Profile } from "../config/profile.js";
import type { MailboxCheck, TestConnectionReport } from "../model/connection.js";
import type { MailboxRecord, MailboxState } from "../model/mailbox.js";
import type { Runtime } from "../runtime.js";
import { recordAlerts } from "../store/alerts.js";
import { recordChecks } from "../store/checks.js";
import { recordTestConnection } from "../store/connection.js";
import { listMailboxes, saveMailboxes } from "../store/mailboxes.js";
import { getProfile, type StoredProfile } from "../store/profiles.js";
import { inParallel } from "./in-parallel.js";
import { checkMailbox } from "./mailbox-check.js";
import { openSession } from "./open-session.js";
import { applyCheck } from "./policy.js";
import { rollUpCycle } from "./roll-up.js";
import { publicCheck, testConnection } from "./test-connection.js";

export type OnDemand<T> = { kind: "done"; value: T } | { kind: "not-found" } | { kind: "invalid"; problems: FieldProblem[] };

const addressList = z.array(z.email("must be an email address")).max(1000);
const testConnectionBody = z.strictObject({ mailboxes: addressList.optional() });
const testAndEnableBody = z.strictObject({ addresses: addressList.optional() });

/** POST /api/profiles/{id}/test-connection: the command line's report, for one stored profile, recorded in `connection`. */
export async function testConnectionNow(runtime: Runtime, profileId: string, body: unknown): Promise<OnDemand<TestConnectionReport>> {
  const parsed = testConnectionBody.safeParse(body ?? {});
  if (!parsed.success) return { kind: "invalid", problems: formatIssues(parsed.error.issues) };
  const loaded = await load(runtime, profileId);
  if (loaded === undefined) return { kind: "not-found" };
  const { stored, profile } = loaded;
  const at = runtime.now();
  const opened = openSession(profile, profile.maxConcurrentConnections, runtime.probe);
  let report: TestConnectionReport;
  if (!opened.ok) {
    report = {
      profile: profileId,
      ok: false,
      elapsedMs: 0,
      steps: [
        { step: "autodiscover", ok: false, elapsedMs: 0, error: opened.failure },
        { step: "ews", ok: null, elapsedMs: 0 },
        { step: "mailbox", ok: null, elapsedMs: 0 },
      ],
      mailboxes: [],
      certificates: [],
    };
  } else {
    try {
      const { ewsUrl: _e, mailboxResults: _m, ...result } = await testConnection(opened.value, { mailboxes: (parsed.data.mailboxes ?? []).map((a) => a.toLowerCase()) });
      report = result;
    } finally {
      await opened.value.close();
    }
  }
  await recordTestConnection(runtime.storage, stored.profile.id, report, at);
  return { kind: "done", value: report };
}

export interface TestAndEnableEntry {
  address: string;
  state: MailboxState;
  check: MailboxCheck;
}

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approve, test, and enable or disable each mailbox (all when no list). */
export async function testAndEnable(runtime: Runtime, profileId: string, body: unknown): Promise<OnDemand<TestAndEnableEntry[]>> {
  const parsed = testAndEnableBody.safeParse(body ?? {});
  if (!parsed.success) return { kind: "invalid", problems: formatIssues(parsed.error.issues) };
  const loaded = await load(runtime, profileId);
  if (loaded === undefined) return { kind: "not-found" };
  const { stored, profile, mailboxes } = loaded;
  const wanted = parsed.data.addresses?.map((a) => a.toLowerCase());
  const byAddress = new Map(mailboxes.map((m) => [m.address, m]));
  const unknown = (wanted ?? []).flatMap((a, i) => (byAddress.has(a) ? [] : [{ field: `addresses[${i}]`, message: `${a} is not a mailbox of profile ${profileId}` }]));
  if (unknown.length > 0) return { kind: "invalid", problems: unknown };
  const targets = wanted === undefined ? mailboxes : [...new Set(wanted)].map((a) => byAddress.get(a)!);

  // Test & Enable starts a mailbox afresh: approved, failure count cleared.
  const fresh = targets.map((m) => ({ ...m, approved: true, consecutiveFailures: 0 }));
  const opened = openSession(profile, profile.maxConcurrentConnections, runtime.probe);
  // The monitor cannot authenticate (its secret setting is missing): that is no verdict on any mailbox.
  if (!opened.ok) return { kind: "invalid", problems: [{ field: "auth", message: opened.failure.message }] };
  const results: { record: MailboxRecord; check: MailboxCheck; at: Date }[] = [];
  try {
    await inParallel(fresh, profile.maxConcurrentConnections, async (record) => {
      const toCheck = { address: record.address, wanted: record.wanted, ...(record.ewsUrl ? { cachedEwsUrl: record.ewsUrl } : {}) };
      results.push({ record, check: publicCheck(await checkMailbox(opened.value, toCheck)), at: runtime.now() });
    });
  } finally {
    await opened.value.close();
  }
  const outcomes = results.map((r) => ({ ...r, outcome: applyCheck(r.record, r.check, r.at, undefined) }));
  await recordChecks(runtime.storage, profileId, results.map((r) => ({ address: r.record.address, at: r.at, outcome: r.check.ok ? { ok: true } : { ok: false, failure: r.check.error } })));
  await recordAlerts(runtime.storage, outcomes.flatMap((o) => o.outcome.alerts));
  await saveMailboxes(runtime.storage, outcomes.map((o) => o.outcome.record));
  await rollUpCycle(runtime.storage, stored, runtime.now());
  const order = new Map(targets.map((t, i) => [t.address, i]));
  return {
    kind: "done",
    value: outcomes
      .map((o) => ({ address: o.record.address, state: o.outcome.record.state, check: o.check }))
      .sort((a, b) => order.get(a.address)! - order.get(b.address)!),
  };
}

async function load(runtime: Runtime, profileId: string): Promise<{ stored: StoredProfile; profile: Profile; mailboxes: MailboxRecord[] } | undefined> {
  const stored = await getProfile(runtime.storage, profileId);
  if (stored === undefined) return undefined;
  const mailboxes = await listMailboxes(runtime.storage, profileId);
  const profile: Profile = { ...stored.profile, mailboxes: mailboxes.map((m) => ({ address: m.address, approved: m.approved, ...m.wanted })) };
  return { stored, profile, mailboxes };
}
