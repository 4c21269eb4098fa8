import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { createMailer } from "../../lib/notify/mailer.js";
import { runNotifier, type ProfileNotifyResult } from "../../lib/notify/run-notifier.js";
import { importProfile } from "../../lib/profiles/import.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";
import { decodeWords, parseEmail } from "./support/mime.js";
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
  host = await startLocalHost({
    context,
    port: 0,
    scheduleTimers: false,
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } },
    log: () => {},
  });
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

function keep(name: string, subject: RegExp): { subject: string; text: string; html: string } {
  const emails = sink.received.map((r) => parseEmail(r.raw)).map((e) => ({ ...e, subject: decodeWords(e.headers.subject!) }));
  const email = emails.find((e) => subject.test(e.subject));
  if (email === undefined) throw new Error(`no email with a subject like ${subject}: ${emails.map((e) => e.subject).join("; ")}`);
  if (process.env.WRITE_SAMPLES === "1") {
    const dir = join(import.meta.dirname, "../../docs/samples");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.html`), email.html);
    writeFileSync(join(dir, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}`);
  }
  return { subject: email.subject, text: email.text, html: email.html };
}

const brief = (results: ProfileNotifyResult[]) =>
  Object.fromEntries(results.map((r) => [r.profileId, r.kind === "sent" ? r.email : r.kind === "quiet" ? r.reason : r.kind]));

describe("the owner emails of a real story (samples)", () => {
  it("alerts, reminds, recovers and tells of a stale profile, each email from the app's own data", { timeout: 180_000 }, async () => {
    await cycleAt(t0);
    expect(brief(await notifyAt(minutes(0.5)))).toEqual({ litware: "alert", "litware-branch": "alert" });
    const alert = keep("alert-email", /^\[exchange-sync-monitor\] Litware: /);
    expect(alert.subject).toBe("[exchange-sync-monitor] Litware: 67% of mailboxes failed (10 of 15) 08:05–09:05 UTC");
    expect(alert.text).toContain("`New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@litware.com`");
    expect(alert.text).toMatch(/denied1@litware\.com: impersonation-denied\. .* State: disabled after 1 failure;/);
    expect(alert.text).toMatch(/busy1@litware\.com: server-busy\. .* State: retrying \(1 failure\), next try 2026-11-30 09:15 UTC\./);
    expect(alert.text).toMatch(/\(ECONNREFUSED: connect ECONNREFUSED [\d.:]+\)\. State: retrying/);
    expect(alert.text).not.toContain("Root cause"); // Test Connection's mailbox step failed for busy1 only
    expect(alert.html).toContain("white-space:nowrap");

    // an hour later: Litware's disabled mailboxes are no longer processed (the platform's rule) and the rest are
    // at 50% or less; the branch office's mailboxes still fail
    await cycleAt(minutes(58));
    expect(brief(await notifyAt(minutes(61)))).toEqual({ litware: "recovered", "litware-branch": "reminder" });
    expect(keep("reminder-email", /^\[exchange-sync-monitor\] Still failing: Litware branch office: /).subject).toBe(
      "[exchange-sync-monitor] Still failing: Litware branch office: 75% of mailboxes failed (3 of 4) 09:06–10:06 UTC",
    );
    const recovered = keep("recovered-email", /^\[exchange-sync-monitor\] Recovered: Litware: /);
    expect(recovered.text).toContain("the alert is closed");
    expect(recovered.text).toContain("7 mailboxes are still disabled and no longer checked, so they are not in these figures");

    // the monitor stops probing: one stale email each
    expect(brief(await notifyAt(minutes(140)))).toEqual({ litware: "stale", "litware-branch": "stale" });
    expect(brief(await notifyAt(minutes(145)))).toEqual({ litware: "stale-notified", "litware-branch": "stale-notified" });
    keep("stale-email", /^\[exchange-sync-monitor\] Stale: Litware: /);
    expect(sink.received).toHaveLength(6);
  });
});
