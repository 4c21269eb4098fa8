import { z } from "zod";
import { formatIssues } from "../config/issues.js";
import { rollUpCycle } from "../cycle/roll-up.js";
import type { MailboxCheck } from "../model/connection.js";
import type { MailboxState } from "../model/mailbox.js";
import { probeKindFor } from "../probes/choose.js";
import { MailboxResults } from "../recording/mailbox-results.js";
import { missingCredentials } from "../profiles/dataverse-lock.js";
import { withConnectionShare } from "../cycle/connection-share.js";
import { busyMessage, loadProfile, onDemandShareWaitMs, type OnDemand, type OnDemandContext } from "./outcome.js";

const body = z.strictObject({ addresses: z.array(z.email("must be an email address")).max(1000).optional() });

export interface TestAndEnableEntry {
  address: string;
  state: MailboxState;
  check: MailboxCheck;
}

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approve, test, and enable or disable each mailbox (all when no list). */
export async function testAndEnable(ctx: OnDemandContext, profileId: string, input: unknown): Promise<OnDemand<TestAndEnableEntry[]>> {
  const parsed = body.safeParse(input ?? {});
  if (!parsed.success) return { kind: "invalid", problems: formatIssues(parsed.error.issues) };
  const loaded = await loadProfile(ctx.storage, profileId);
  if (loaded === undefined) return { kind: "not-found" };
  const needs = missingCredentials(loaded.stored);
  if (needs !== undefined) return { kind: "invalid", problems: needs };
  const { stored, profile, mailboxes } = loaded;
  const wanted = parsed.data.addresses?.map((a) => a.toLowerCase());
  const byAddress = new Map(mailboxes.map((m) => [m.address, m]));
  const unknown = (wanted ?? []).flatMap((a, i) => (byAddress.has(a) ? [] : [{ field: `addresses[${i}]`, message: `${a} is not a mailbox of profile ${profileId}` }]));
  if (unknown.length > 0) return { kind: "invalid", problems: unknown };
  const targets = wanted === undefined ? mailboxes : [...new Set(wanted)].map((a) => byAddress.get(a)!);

  // Test & Enable starts a mailbox afresh: approved, failure count cleared.
  const fresh = targets.map((m) => ({ ...m, approved: true, consecutiveFailures: 0 }));
  const limit = profile.maxConcurrentConnections;
  const results = new MailboxResults(ctx.storage, { profileId });
  const checks = new Map<string, MailboxCheck>();
  const shared = await withConnectionShare(ctx.storage, profileId, { label: "test-and-enable", want: limit, limit }, { waitMs: onDemandShareWaitMs }, async (connections) => {
    const opened = await probeKindFor(profile).open(profile, { maxConnections: connections }, ctx.probe);
    // The monitor cannot authenticate (its secret setting is missing): that is no verdict on any mailbox.
    if (!opened.ok) return opened.failure;
    try {
      await opened.value.checkMailboxes(fresh, connections, (record, check) => {
        checks.set(record.address, check);
        return results.add(record, check, ctx.now());
      });
    } finally {
      await Promise.all([opened.value.close(), results.finish()]);
    }
    return undefined;
  });
  if (shared.kind === "busy") return { kind: "busy", message: busyMessage(profileId, shared.holders) };
  if (shared.value !== undefined) return { kind: "invalid", problems: [{ field: "auth", message: shared.value.message }] };
  await rollUpCycle(ctx.storage, stored, ctx.now());
  return {
    kind: "done",
    value: results.merged(fresh).flatMap((record) => {
      const check = checks.get(record.address);
      return check === undefined ? [] : [{ address: record.address, state: record.state, check }];
    }),
  };
}
