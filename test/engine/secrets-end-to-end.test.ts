import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "../../lib/notify/mailer.js";
import { runNotifier } from "../../lib/notify/run-notifier.js";
import type { TableName } from "../../lib/store/storage.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { contosoPassword, contosoProfile } from "../support/cycle-org.js";
import { parseEmail } from "../notify/support/mime.js";
import { SmtpSink } from "../notify/support/smtp-sink.js";

/**
 * Issue 10 item 9 end to end: a server inside the profile's domains quotes the secret back (a 400 with the request's
 * Authorization header, a SOAP fault repeating the password). Through a real cycle (schedule → queue → probe →
 * tables → roll-up), the notifier (real SMTP), the status API and the admin's Test Connection / Test & Enable, the
 * password appears nowhere: not raw, not as Base64 of user:password, not as the Basic header value.
 */

const basicValue = Buffer.from(`svc-crm@contoso.com:${contosoPassword}`).toString("base64");
const forms = [contosoPassword, basicValue, `Basic ${basicValue}`, encodeURIComponent(contosoPassword)];
const expectClean = (where: string, text: string) => {
  for (const form of forms) expect(text.includes(form), `${where} holds a form of the password`).toBe(false);
};

let app: CycleApp;
const sink = new SmtpSink();
const replies: Record<string, string> = {};

const post = (path: string, body: unknown) =>
  fetch(`${app.host.url}/api/${path}`, { method: "POST", headers: { "x-functions-key": "a" }, body: JSON.stringify(body) });

beforeAll(async () => {
  await sink.start();
  app = await startCycleApp([contosoProfile()], { keys: { function: "f", admin: "a" } });
  app.sim.setServer("mail.contoso.com", { echoSecrets: "authorization-400" });
  await app.host.timers.fire("schedule");
  await app.host.queues.idle(60_000);

  replies["test-connection (400 echo)"] = await (await post("profiles/contoso/test-connection", { mailboxes: ["alice@contoso.com"] })).text();
  app.sim.setServer("mail.contoso.com", { echoSecrets: "password-fault" });
  replies["test-connection (SOAP fault)"] = await (await post("profiles/contoso/test-connection", { mailboxes: ["bob@contoso.com"] })).text();
  replies["test-and-enable (SOAP fault)"] = await (await post("profiles/contoso/mailboxes/test-and-enable", { addresses: ["carol@contoso.com"] })).text();

  const mailer = createMailer({ host: "127.0.0.1", port: sink.port, tls: "none", from: "monitor@contoso.com" }, {}, { connectMs: 2_000, greetingMs: 2_000, socketMs: 2_000 });
  await runNotifier({ storage: app.context.storage, mailer, now: () => new Date(), statusBaseUrl: "https://monitor.contoso.com" });
  replies["GET /api/status/contoso"] = await (await fetch(`${app.host.url}/api/status/contoso`, { headers: { "x-functions-key": "f" } })).text();
  replies["GET /api/status"] = await (await fetch(`${app.host.url}/api/status`, { headers: { "x-functions-key": "f" } })).text();
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sink.stop();
});

describe("a secret quoted back by Exchange", () => {
  it("the server really quoted it, and the monitor kept the server's words with the secret taken out", () => {
    expect(replies["test-connection (400 echo)"]).toContain("is not valid here");
    expect(replies["test-connection (400 echo)"]).toContain("[redacted]");
    expect(replies["test-connection (SOAP fault)"]).toContain("failed on the back end");
    expect(replies["test-connection (SOAP fault)"]).toContain("[redacted]");
  });

  it.each(["alerts", "checks", "connection", "mailboxes", "summaries"] satisfies TableName[])("is in no row of the %s table", async (name) => {
    const table = await app.context.storage.table(name);
    const rows: unknown[] = [];
    for await (const entity of table.listEntities()) rows.push(entity);
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expectClean(name, text);
    if (name !== "summaries") expect(text).toContain("[redacted]");
  });

  it("is in no HTTP answer: status, test-connection, test-and-enable", () => {
    expect(Object.keys(replies)).toHaveLength(5);
    for (const [where, body] of Object.entries(replies)) expectClean(where, body);
  });

  it("is not in the owner's email (raw message and decoded parts)", () => {
    expect(sink.received).toHaveLength(1);
    const [email] = sink.received;
    expect(email!.to).toEqual(["admin@contoso.com"]);
    const parsed = parseEmail(email!.raw);
    expect(parsed.text).toContain("[redacted]");
    for (const part of [email!.raw, parsed.text, parsed.html]) expectClean("the email", part);
  });
});
