import { describe, expect, it } from "vitest";
import type { ProfileInput } from "../../lib/config/profile.js";
import type { MailboxCheck } from "../../lib/model/connection.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { checkMailboxes } from "../../lib/engine/check-mailboxes.js";
import type { MailboxSpec, OrgSpec } from "../../sim/index.js";
import { allChannels, expectNoLeak, org, profile, withOrg } from "./support.js";
import { enabledMailbox } from "../support/mailbox-record.js";

/**
 * Invariant 4 under load: 200 mailboxes of one profile whose Maximum Concurrent Connections is 7.
 * Every server answers after a delay so requests overlap; the simulator counts the peak number of
 * connections open at once to the profile's servers (group contoso.com).
 */

const limit = 7;
const count = 200;
const latencyMs = 10;

const addresses = Array.from({ length: count }, (_, i) => `user${i}@contoso.com`);

function spec(): OrgSpec {
  const mailboxes: MailboxSpec[] = addresses.map((address, i) => ({ address, server: i % 2 === 0 ? "mail.contoso.com" : "mail2.contoso.com" }));
  return org({
    servers: [
      { name: "autodiscover.contoso.com", ews: false, autodiscover: true, knobs: { latencyMs } },
      { name: "mail.contoso.com", knobs: { latencyMs } },
      { name: "mail2.contoso.com", knobs: { latencyMs } },
    ],
    mailboxes,
  });
}

function record(address: string, ewsUrl?: string): MailboxRecord {
  return enabledMailbox("engine", address, { wanted: allChannels, ...(ewsUrl !== undefined ? { ewsUrl } : {}) });
}

interface Load {
  name: string;
  change: (p: ProfileInput) => ProfileInput;
  /** Workers checkMailboxes runs at once: above the budget, so the budget itself must hold the line. */
  workers: number;
  cachedUrls: boolean;
}

const loads: Load[] = [
  { name: "Basic, Autodiscover then EWS, 7 workers", change: (p) => p, workers: limit, cachedUrls: false },
  { name: "Basic, Autodiscover then EWS, 40 workers", change: (p) => p, workers: 40, cachedUrls: false },
  { name: "NTLM (one pinned connection per handshake), cached EWS URLs, 40 workers", change: (p) => ({ ...p, auth: { kind: "ntlm", username: "svc@contoso.com", passwordSetting: "ENGINE_PASSWORD" } }), workers: 40, cachedUrls: true },
];

describe(`${count} mailboxes with Maximum Concurrent Connections ${limit}`, () => {
  it.each(loads)("$name", async (l) => {
    const s = spec();
    const p = profile((input) => l.change({ ...input, maxConcurrentConnections: limit, mailboxes: addresses.map((address) => ({ address, approved: true })) }));
    const records = addresses.map((a, i) => record(a, l.cachedUrls ? `https://${i % 2 === 0 ? "mail" : "mail2"}.contoso.com/EWS/Exchange.asmx` : undefined));
    await withOrg(s, p, {}, async (sim, session) => {
      const checks: MailboxCheck[] = [];
      await checkMailboxes(session, records, l.workers, async (_r, check) => void checks.push(check));
      expect(checks.filter((c) => !c.ok).map((c) => (c.ok ? "" : `${c.address}: ${c.error.category} ${c.error.message}`))).toEqual([]);
      expect(checks).toHaveLength(count);
      const peak = sim.counters.connections({ group: "contoso.com" }).peak;
      expect(peak).toBeLessThanOrEqual(limit);
      expect(peak).toBeGreaterThan(1);
      expect(sim.counters.connections().peak).toBeLessThanOrEqual(limit);
      expectNoLeak(sim, s, ["contoso.com"]);
    });
  });
});
