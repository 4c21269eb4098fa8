import { z } from "zod";
import { rollUpCycle, windowEndAfter } from "../cycle/roll-up.js";
import type { MailboxCheck } from "../model/connection.js";
import type { MailboxState } from "../model/mailbox.js";
import { probeKindFor } from "../probes/choose.js";
import { MailboxResults } from "../recording/mailbox-results.js";
import { withConnectionShare } from "../cycle/connection-share.js";
import { busyMessage, onDemandShareWaitMs, openRequest, type OnDemand, type OnDemandContext } from "./outcome.js";

const body = z.strictObject({ addresses: z.array(z.email("must be an email address")).max(1000).optional() });

export interface TestAndEnableEntry {
  address: string;
  state: MailboxState;
  check: MailboxCheck;
}

/** POST /api/profiles/{id}/mailboxes/test-and-enable: approve, test, and enable or disable each mailbox (all when no list). */
export async function testAndEnable(ctx: OnDemandContext, profileId: string, input: unknown): Promise<OnDemand<TestAndEnableEntry[]>> {
  const request = await openRequest(ctx.storage, profileId, body, input);
  if (request.kind !== "ready") return request;
  const { stored, profile, mailboxes } = request.loaded;
  const wanted = request.body.addresses?.map((a) => a.toLowerCase());
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
  await rollUpCycle(ctx.storage, stored, windowEndAfter(ctx.now(), results.checkResults));
  return {
    kind: "done",
    value: results.merged(fresh).flatMap((record) => {
      const check = checks.get(record.address);
      return check === undefined ? [] : [{ address: record.address, state: record.state, check }];
    }),
  };
}
