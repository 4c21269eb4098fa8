import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { createMailer } from "../../lib/notify/mailer.js";
import { runNotifier, type ProfileNotifyResult } from "../../lib/notify/run-notifier.js";
import { importProfile } from "../../lib/profiles/import.js";
import type { LocalHost } from "../../local/host.js";
import { startQuietHost } from "../support/cycle-app.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";
import { receivedEmails, writeSample, type ReceivedEmail } from "./support/samples.js";
import { SmtpSink } from "./support/smtp-sink.js";

/**
 * The owner emails of a real story: the Litware profile (10 of its 15 mailboxes fail, each for its own reason)
 * probed by the app on the local host against the simulated organisation over HTTPS, then the notifier with a real
 * SMTP server. With WRITE_SAMPLES=1 the emails as received are written to docs/samples for a reviewer to open
 * (`WRITE_SAMPLES=1 npx vitest run test/notify/samples.test.ts`).
 */

const t0 = new Date("2026-11-30T09:05:00.000Z");
const minutes = (m: number): Date => new Date(t0.getTime() + m * 60_000);

let sim: SimulatedOrg;
let host: LocalHost;
let context: AppContext;
let clock = t0;
const sink = new SmtpSink();

beforeAll(async () => {
  await sink.start();
  sim = await startSimulatedOrg(cycleOrganisation());
  context = createAppContext(testSettings(), { probe: simEnvironment(sim, cycleSecrets), now: () => clock });
  expect((await importProfile(context.storage, litwareProfile())).ok).toBe(true);
  // a branch office whose failures are transient: its mailboxes stay retrying, so they stay in the figures
  const branch = { ...litwareProfile(["ok1", "busy1", "busy2", "unreachable"].map((n) => `${n}@litware.com`)), id: "litware-branch", name: "Litware branch office" };
  expect((await importProfile(context.storage, branch)).ok).toBe(true);
  // a profile whose password setting does not exist: Test Connection fails before any request
  const unset = { ...litwareProfile(["ok1", "ok2", "ok3"].map((n) => `${n}@litware.com`)), id: "litware-lab", name: "Litware lab" };
  expect((await importProfile(context.storage, { ...unset, auth: { kind: "basic", username: "svc-crm@litware.com", passwordSetting: "LITWARE_LAB_PASSWORD" } })).ok).toBe(true);
  host = await startQuietHost(context);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await sim?.stop();
  await sink.stop();
});

async function cycleAt(at: Date): Promise<void> {
  clock = at;
  await host.timers.fire("schedule");
  await host.queues.idle(60_000);
}

function notifyAt(at: Date): Promise<ProfileNotifyResult[]> {
  clock = at;
  const mailer = createMailer({ host: "127.0.0.1", port: sink.port, tls: "none", from: "exchange-sync-monitor@litware.com" }, {});
  return runNotifier({ storage: context.storage, mailer, now: () => clock, statusBaseUrl: "https://litware-monitor.azurewebsites.net" });
}

function keep(name: string, subject: RegExp): ReceivedEmail {
  const emails = receivedEmails(sink);
  const email = emails.find((e) => subject.test(e.subject));
  if (email === undefined) throw new Error(`no email with a subject like ${subject}: ${emails.map((e) => e.subject).join("; ")}`);
  writeSample(name, email);
  return email;
}

const brief = (results: ProfileNotifyResult[]) =>
  Object.fromEntries(results.map((r) => [r.profileId, r.kind === "sent" ? r.email : r.kind === "quiet" ? r.reason : r.kind]));

describe("the owner emails of a real story (samples)", () => {
  it("alerts, reminds, recovers and tells of a stale profile, each email from the app's own data", { timeout: 180_000 }, async () => {
    await cycleAt(t0);
    expect(brief(await notifyAt(minutes(0.5)))).toEqual({ litware: "alert", "litware-branch": "alert", "litware-lab": "alert" });
    const setup = keep("alert-email-test-connection-failed", /^\[exchange-sync-monitor\] Litware lab: /);
    expect(setup.subject).toBe("[exchange-sync-monitor] Litware lab: Test Connection failed (credential-format), 100% of mailboxes failed (3 of 3) 08:05–09:05 UTC");
    expect(setup.text).toMatch(/^Litware lab \(litware-lab\)\n\nRoot cause: Test Connection failed\n/);
    expect(setup.text).toContain("LITWARE_LAB_PASSWORD");
    expect(setup.text).toContain("This is the monitor's own setup, not Exchange: no mailbox was disabled for it");
    expect(setup.text).toContain("no Test & Enable is needed");
    const alert = keep("alert-email", /^\[exchange-sync-monitor\] Litware: /);
    // (whether a throttled mailbox in Test Connection's mailbox step is the profile's failure is the cycle's call)
    expect(alert.subject).toMatch(/^\[exchange-sync-monitor\] Litware: (Test Connection failed \(server-busy\), )?67% of mailboxes failed \(10 of 15\) 08:05–09:05 UTC$/);
    expect(alert.text).toContain("`New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@litware.com`");
    expect(alert.text).toMatch(/denied1@litware\.com \(impersonation-denied\): .* State: disabled after 1 failure;/);
    expect(alert.text).toMatch(/busy1@litware\.com \(server-busy\): .* State: retrying \(1 failure\), next try 2026-11-30 09:15 UTC\./);
    expect(alert.text).toMatch(/\(ECONNREFUSED: connect ECONNREFUSED [\d.:]+\)\. State: retrying/);
    expect(alert.html).toContain("white-space:nowrap");

    // an hour later the branch office's mailboxes still fail: a reminder
    await cycleAt(minutes(58));
    const hourLater = brief(await notifyAt(minutes(61)));
    expect(hourLater).toMatchObject({ "litware-branch": "reminder", "litware-lab": "reminder" });
    // Litware's disabled mailboxes are no longer processed; whether the throttled mailbox of Test Connection's
    // mailbox step counts for the whole profile (then: a reminder) is the cycle's call
    expect(["recovered", "reminder"]).toContain(hourLater.litware);
    expect(keep("reminder-email", /^\[exchange-sync-monitor\] Still failing: Litware branch office: /).subject).toMatch(
      /^\[exchange-sync-monitor\] Still failing: Litware branch office: (Test Connection failed \(server-busy\), )?75% of mailboxes failed \(3 of 4\) 09:06–10:06 UTC$/,
    );

    // the throttling ends and mail3 takes connections again: the branch office recovers
    for (const address of ["busy1@litware.com", "busy2@litware.com"]) sim.setMailbox(address, { busy: false });
    sim.setServer("mail3.litware.com", { refuse: false });
    await cycleAt(minutes(70));
    await cycleAt(minutes(120));
    expect(brief(await notifyAt(minutes(125)))).toMatchObject({ "litware-branch": "recovered" });
    const recovered = keep("recovered-email", /^\[exchange-sync-monitor\] Recovered: Litware branch office: /);
    expect(recovered.subject).toBe("[exchange-sync-monitor] Recovered: Litware branch office: 0% of mailboxes failed (0 of 4) 10:10–11:10 UTC");
    expect(recovered.text).toContain("the alert is closed");

    // the monitor stops probing: one stale email each
    expect(brief(await notifyAt(minutes(200)))).toEqual({ litware: "stale", "litware-branch": "stale", "litware-lab": "stale" });
    expect(brief(await notifyAt(minutes(205)))).toEqual({ litware: "stale-notified", "litware-branch": "stale-notified", "litware-lab": "stale-notified" });
    keep("stale-email", /^\[exchange-sync-monitor\] Stale: Litware: /);
  });
});
