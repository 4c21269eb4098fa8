import { afterEach, describe, expect, it } from "vitest";
import { notifyTimer } from "../../lib/notify/timer.js";
import { createAppContext } from "../../lib/app-context.js";
import { testSettings, testStorage } from "../support/storage.js";
import { SmtpSink } from "./support/smtp-sink.js";
import { at, World } from "./support/world.js";

const logged = () => {
  const lines: { level: "info" | "warn"; message: string }[] = [];
  return { lines, log: { info: (message: string) => lines.push({ level: "info", message }), warn: (message: string) => lines.push({ level: "warn", message }) } };
};

let sink: SmtpSink | undefined;
afterEach(async () => {
  await sink?.stop();
  sink = undefined;
});

describe("the notify timer", () => {
  it("does nothing and says so once when SMTP is not configured", async () => {
    const settings = testSettings();
    const { lines, log } = logged();
    const run = await notifyTimer(createAppContext(settings, { storage: testStorage(settings) }), log);
    expect(run.kind).toBe("off");
    expect(lines).toEqual([{ level: "info", message: expect.stringContaining("notifications are off") }]);
  });

  it("runs the notifier with the app's SMTP settings and clock, logging each profile", async () => {
    const world = new World();
    sink = world.sink;
    await world.start();
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    const settings = { ...world.settings, ...testSettings({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(world.sink.port), SMTP_TLS: "none", SMTP_FROM: "monitor@contoso.com" }) };
    const { lines, log } = logged();
    const run = await notifyTimer(createAppContext({ ...settings, tablePrefix: world.settings.tablePrefix }, { storage: world.storage, now: () => at(0) }), log);
    expect(run).toMatchObject({ kind: "ran", results: [{ profileId: p.id, kind: "sent" }] });
    expect(lines).toEqual([{ level: "info", message: expect.stringContaining(`${p.id}: emailed the owner crm-admin@contoso.com`) }]);
    expect(world.sink.received).toHaveLength(1);
  });
});
