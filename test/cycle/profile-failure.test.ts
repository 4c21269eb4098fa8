import { afterEach, describe, expect, it } from "vitest";
import { readLastHour } from "../../lib/cycle/roll-up.js";
import { createMailer } from "../../lib/notify/mailer.js";
import { runNotifier } from "../../lib/notify/run-notifier.js";
import { listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { readSummary } from "../../lib/store/summaries.js";
import { throwawaySecret } from "../../sim/index.js";
import { SmtpSink } from "../notify/support/smtp-sink.js";
import { parseEmail } from "../notify/support/mime.js";
import { contosoProfile } from "../support/cycle-org.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";

let app: CycleApp | undefined;
let sink: SmtpSink | undefined;
afterEach(async () => {
  await app?.stop();
  await sink?.stop();
  app = sink = undefined;
});

const withPasswordSetting = (setting: string) => {
  const p = contosoProfile();
  return { ...p, auth: { kind: "basic" as const, username: "svc-crm@contoso.com", passwordSetting: setting } };
};

async function cycleThenNotify(a: CycleApp) {
  await a.host.timers.fire("schedule");
  await a.host.queues.idle(60_000);
  sink = await new SmtpSink().start();
  const mailer = createMailer({ host: "127.0.0.1", port: sink.port, tls: "none", from: "monitor@contoso.com" }, {});
  const results = await runNotifier({ storage: a.context.storage, mailer, now: () => new Date() });
  return results.find((r) => r.profileId === "contoso");
}

describe("a profile whose Test Connection fails counts every mailbox failed for that cycle", () => {
  it("wrong password with every mailbox already disabled (0 checked): the owner is emailed, the email leads with the Test Connection step", async () => {
    app = await startCycleApp([withPasswordSetting("CONTOSO_WRONG")], {}, { CONTOSO_WRONG: throwawaySecret("wrong") });
    const storage = app.context.storage;
    // The hour after the first cycle disabled them all (401 is permanent): nothing is due, nothing is checked.
    await saveMailboxes(storage, (await listMailboxes(storage, "contoso")).map((m) => ({ ...m, state: "disabled" as const })));

    const result = await cycleThenNotify(app);

    const lastHour = await readLastHour(storage, "contoso", new Date());
    expect(lastHour.figures).toMatchObject({ processed: 6, failed: 6 });
    expect(lastHour.profileFailure).toMatchObject({ origin: "exchange", mailboxes: 6, step: "autodiscover" });
    expect(result?.kind).toBe("sent");
    expect(sink!.received.map((r) => r.to)).toEqual([["admin@contoso.com"]]);
    const email = parseEmail(sink!.received[0]!.raw);
    const firstCause = email.text.search(/Test Connection/);
    expect(firstCause).toBeGreaterThanOrEqual(0);
    // The Test Connection step comes before any mailbox's own diagnosis.
    const firstMailbox = email.text.search(/alice@contoso\.com/);
    expect(firstMailbox === -1 || firstCause < firstMailbox).toBe(true);
    expect(email.text).toMatch(/Test Connection failed at the autodiscover step/);
  }, 120_000);

  it("a missing secret setting: the owner is emailed and no mailbox is disabled or counted towards it", async () => {
    app = await startCycleApp([withPasswordSetting("CONTOSO_NOT_SET")]);
    const storage = app.context.storage;

    const result = await cycleThenNotify(app);

    const lastHour = await readLastHour(storage, "contoso", new Date());
    expect(lastHour.figures).toMatchObject({ processed: 6, failed: 6 });
    expect(lastHour.profileFailure).toMatchObject({ origin: "setup", mailboxes: 6, failure: { category: "credential-format" } });
    expect((await readSummary(storage, "contoso"))?.lastHour).toMatchObject({ processed: 6, failed: 6 });
    expect(result?.kind).toBe("sent");
    expect(sink!.received).toHaveLength(1);
    for (const m of await listMailboxes(storage, "contoso")) expect([m.state, m.consecutiveFailures]).toEqual(["enabled", 0]);
  }, 120_000);
});
