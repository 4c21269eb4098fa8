import { it } from "vitest";
import { checkMailboxes } from "../../lib/probe/check-mailboxes.js";
import { allChannels, org, profile, withOrg } from "./support.js";

it("measure", async () => {
  const addresses = Array.from({ length: 200 }, (_, i) => `user${i}@contoso.com`);
  for (const [workers, latencyMs, auto] of [[7, 15, true], [1, 15, true]] as const) {
    const s = org({ servers: [{ name: "autodiscover.contoso.com", ews: false, autodiscover: true, knobs: { latencyMs } }, { name: "mail.contoso.com", knobs: { latencyMs } }, { name: "mail2.contoso.com", knobs: { latencyMs } }],
      mailboxes: addresses.map((address, i) => ({ address, server: i % 2 === 0 ? "mail.contoso.com" : "mail2.contoso.com" })) });
    const p = profile((input) => ({ ...input, maxConcurrentConnections: 7, mailboxes: addresses.map((address) => ({ address, approved: true })) }));
    const records = addresses.map((address, i) => ({ profileId: "e", address, approved: true, wanted: allChannels, state: "enabled" as const, channels: { incoming: "not-run" as const, outgoing: "not-run" as const, appointmentsContactsTasks: "not-run" as const }, consecutiveFailures: 0, ...(auto ? {} : { ewsUrl: `https://${i % 2 === 0 ? "mail" : "mail2"}.contoso.com/EWS/Exchange.asmx` }) }));
    await withOrg(s, p, {}, async (sim, session) => {
      const t = performance.now();
      await checkMailboxes(session, records, workers, async () => {});
      console.log(JSON.stringify({ workers, latencyMs, auto, ms: Math.round(performance.now() - t), hs: sim.counters.tlsHandshakes(), req: sim.counters.requests.length, peak: sim.counters.connections().peak, stats: session.connections.stats() }));
    });
  }
}, 60000);
