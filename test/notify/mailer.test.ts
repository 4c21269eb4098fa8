import { afterEach, describe, expect, it } from "vitest";
import { throwawaySecret } from "../../sim/index.js";
import type { SmtpSettings } from "../../lib/config/settings.js";
import { classifySendError, connectionOptions, createMailer, type OutgoingEmail } from "../../lib/notify/mailer.js";
import { parseEmail } from "./support/mime.js";
import { SmtpSink } from "./support/smtp-sink.js";

const email: OutgoingEmail = { to: "owner@contoso.com", subject: "Subject ✓", text: "plain", html: "<p>html</p>" };
const settingsFor = (sink: SmtpSink, change: Partial<SmtpSettings> = {}): SmtpSettings => ({ host: "127.0.0.1", port: sink.port, tls: "none", from: "monitor@contoso.com", ...change });
const fast = { connectMs: 2_000, greetingMs: 2_000, socketMs: 400 };

let sinks: SmtpSink[] = [];
async function sink(auth?: { user: string; pass: string }): Promise<SmtpSink> {
  const s = await new SmtpSink(auth).start();
  sinks.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(sinks.map((s) => s.stop()));
  sinks = [];
});

describe("connection options", () => {
  const smtp: SmtpSettings = { host: "smtp.contoso.com", port: 587, tls: "starttls", from: "m@contoso.com" };
  it.each([
    ["none", { secure: false, requireTLS: false, ignoreTLS: true }],
    ["starttls", { secure: false, requireTLS: true, ignoreTLS: false }],
    ["tls", { secure: true, requireTLS: false, ignoreTLS: false }],
  ] as const)("maps TLS mode %s", (tls, expected) => {
    const options = connectionOptions({ ...smtp, tls }, {});
    expect(options.kind === "ok" && options.options).toMatchObject({ ...expected, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  });

  it("reads the password from the setting it names, and refuses when that setting is empty", () => {
    const withUser = { ...smtp, user: "relay", passwordSetting: "SMTP_PW" };
    const password = throwawaySecret("smtp");
    expect(connectionOptions(withUser, { SMTP_PW: password })).toMatchObject({ kind: "ok", auth: { user: "relay", pass: password } });
    expect(connectionOptions(withUser, {})).toMatchObject({ kind: "invalid" });
  });
});

describe("classifying send errors", () => {
  it.each([
    [{ code: "ECONNECTION", message: "refused" }, false, "rejected-before-accept"],
    [{ code: "ETIMEDOUT", message: "Timeout" }, false, "rejected-before-accept"],
    [{ code: "EAUTH", responseCode: 535, message: "auth" }, false, "rejected-before-accept"],
    [{ code: "EENVELOPE", responseCode: 550, message: "rcpt" }, false, "rejected-before-accept"],
    [{ code: "EMESSAGE", responseCode: 554, message: "final reply" }, true, "rejected-before-accept"],
    [{ code: "ETIMEDOUT", message: "Timeout" }, true, "outcome-unknown"],
    [{ code: "ECONNECTION", message: "closed" }, true, "outcome-unknown"],
  ])("%j (body sent: %s) → %s", (error, dataStarted, kind) => {
    expect(classifySendError(error, dataStarted).kind).toBe(kind);
  });
});

describe("the mailer against a real SMTP server", () => {
  it("sends one message with both parts to the recipient", async () => {
    const s = await sink();
    const outcome = await createMailer(settingsFor(s), {}).send(email);
    expect(outcome).toMatchObject({ kind: "sent", messageId: expect.stringMatching(/^<.+@.+>$/) });
    expect(s.received).toHaveLength(1);
    expect(s.received[0]!.to).toEqual(["owner@contoso.com"]);
    const parsed = parseEmail(s.received[0]!.raw);
    expect(parsed.text).toBe("plain");
    expect(parsed.html).toBe("<p>html</p>");
    expect(parsed.headers["message-id"]).toBe(outcome.kind === "sent" ? outcome.messageId : "");
  });

  it("authenticates with the password from the named setting; a wrong one is rejected before accept", async () => {
    const password = throwawaySecret("smtp");
    const s = await sink({ user: "relay", pass: password });
    const smtp = settingsFor(s, { user: "relay", passwordSetting: "SMTP_PW" });
    expect((await createMailer(smtp, { SMTP_PW: password }).send(email)).kind).toBe("sent");
    expect(await createMailer(smtp, { SMTP_PW: "wrong" }).send(email)).toMatchObject({ kind: "rejected-before-accept", responseCode: 535 });
    expect(s.received).toHaveLength(1);
  });

  it("reports a refused connection as rejected before accept", async () => {
    const s = await sink();
    await s.stop();
    expect(await createMailer(settingsFor(s), {}).send(email)).toMatchObject({ kind: "rejected-before-accept", error: expect.stringContaining("ECONNREFUSED") });
  });

  it.each([451, 550])("reports RCPT TO answered %i as rejected before accept", async (code) => {
    const s = await sink();
    s.behaviour = { kind: "refuse-rcpt", code };
    expect(await createMailer(settingsFor(s), {}).send(email)).toMatchObject({ kind: "rejected-before-accept", responseCode: code });
    expect(s.received).toHaveLength(0);
  });

  it("reports a timeout after the body was sent as outcome unknown", async () => {
    const s = await sink();
    s.behaviour = { kind: "hang-after-data" };
    expect(await createMailer(settingsFor(s), {}, fast).send(email)).toMatchObject({ kind: "outcome-unknown", code: "ETIMEDOUT" });
  });
});

describe("the whole SMTP exchange has a deadline", () => {
  it("gives up on a server that trickles its greeting a byte at a time, before anything was accepted", async () => {
    const { createServer } = await import("node:net");
    const timers = new Set<NodeJS.Timeout>();
    const server = createServer((socket) => {
      const drip = setInterval(() => socket.write("2"), 100);
      timers.add(drip);
      socket.on("close", () => clearInterval(drip));
      socket.on("error", () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      const mailer = createMailer({ host: "127.0.0.1", port, tls: "none", from: "monitor@contoso.com" }, {}, { ...fast, greetingMs: 60_000, totalMs: 800 });
      const outcome = await mailer.send(email);
      expect(outcome).toMatchObject({ kind: "rejected-before-accept", code: "ETIMEDOUT" });
    } finally {
      for (const t of timers) clearInterval(t);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
