import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { createMailer } from "../../lib/notify/mailer.js";
import { runNotifier } from "../../lib/notify/run-notifier.js";
import { importProfile } from "../../lib/profiles/import.js";
import type { LocalHost } from "../../local/host.js";
import { startQuietHost } from "../support/cycle-app.js";
import { demoProfiles } from "../../sim/demo-profiles.js";
import { wingtipClientId } from "../../sim/demo.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { simEnvironment, startDemoSim } from "../support/sim.js";
import { testSettings } from "../support/storage.js";
import { receivedEmails, writeSample } from "./support/samples.js";
import { SmtpSink } from "./support/smtp-sink.js";

/**
 * The owner email of an Exchange Online profile probed through Microsoft Graph: the demo's Wingtip Toys, whose app
 * lacks Tasks.ReadWrite.All (every mailbox fails its tasks) and is kept off EWS by the tenant's policy. The app runs
 * on the local host against the simulated tenant over HTTPS, the notifier sends through a real SMTP server. With
 * WRITE_SAMPLES=1 the email as received is written to docs/samples (`alert-email-online.txt` and `.html`).
 */

const t0 = new Date("2026-11-30T09:05:00.000Z");

let sim: SimulatedOrg;
let host: LocalHost;
let context: AppContext;
const sink = new SmtpSink();

beforeAll(async () => {
  await sink.start();
  sim = await startDemoSim();
  context = createAppContext(testSettings(), { probe: simEnvironment(sim), now: () => t0 });
  expect((await importProfile(context.storage, demoProfiles().find((p) => p.id === "wingtip-online")!)).ok).toBe(true);
  host = await startQuietHost(context);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await sim?.stop();
  await sink.stop();
});

describe("the owner email of an Exchange Online profile on Microsoft Graph (sample)", () => {
  it("names the missing permission, the EWS policy and its fix, and the days left, from the app's own data", { timeout: 120_000 }, async () => {
    await host.timers.fire("schedule");
    await host.queues.idle(60_000);
    const mailer = createMailer({ host: "127.0.0.1", port: sink.port, tls: "none", from: "exchange-sync-monitor@wingtiptoys.com" }, {});
    const results = await runNotifier({ storage: context.storage, mailer, now: () => new Date(t0.getTime() + 30_000), statusBaseUrl: "https://wingtip-monitor.azurewebsites.net" });
    expect(results.map((r) => [r.profileId, r.kind === "sent" ? r.email : r.kind])).toEqual([["wingtip-online", "alert"]]);

    const [email] = receivedEmails(sink);
    writeSample("alert-email-online", email!);
    const { subject, text, html } = email!;

    expect(subject).toBe("[exchange-sync-monitor] Wingtip Toys Exchange Online: Test Connection failed (permission-missing), 100% of mailboxes failed (3 of 3) 08:05–09:05 UTC");
    expect(text).toMatch(/^Wingtip Toys Exchange Online \(wingtip-online\)\n\nRoot cause: Test Connection failed\n/);
    for (const address of ["amara", "bruno", "chen"]) expect(text).toMatch(new RegExp(`${address}@wingtiptoys\\.com \\(permission-missing\\)`));
    expect(text).toContain("Tasks.ReadWrite.All");
    expect(text).toContain(wingtipClientId);
    // Readiness: EWS blocked by the tenant's policy, the permission missing, the days left until EWS goes.
    expect(text).toContain("EWS readiness: something is missing");
    expect(text).toMatch(/blocked by policy/i);
    expect(text).toContain("Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy");
    expect(text).toContain("2027-04-01");
    expect(text).toMatch(/request-id [0-9a-f-]{36}/);
    expect(html).toContain("Tasks.ReadWrite.All");
    // The app's secret is named by its setting, never shown.
    expect(text).not.toContain(simEnvironment(sim).env.WINGTIP_CLIENT_SECRET!);
  });
});
