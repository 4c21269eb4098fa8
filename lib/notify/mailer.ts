import { Readable } from "node:stream";
import type { SMTPConnectionOptions } from "nodemailer/lib/smtp-connection";
import type { SmtpSettings } from "../config/settings.js";

/** One email to one recipient, already rendered. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * What became of a send. `rejected-before-accept`: the server never took the message (nothing
 * reached it, or it answered 4xx/5xx), so trying again later cannot make a duplicate.
 * `outcome-unknown`: the message body was on its way when the connection was lost or timed out;
 * the server may have accepted it.
 */
export type SendOutcome =
  | { kind: "sent"; messageId: string; serverMessageId?: string }
  | { kind: "rejected-before-accept"; error: string; code?: string; responseCode?: number }
  | { kind: "outcome-unknown"; error: string; code?: string };

export interface Mailer {
  send(email: OutgoingEmail): Promise<SendOutcome>;
}

export interface SmtpTimeouts {
  connectMs: number;
  greetingMs: number;
  /** Longest silence on the connection. */
  socketMs: number;
  /** The whole exchange, however the server trickles its answers (default 2 minutes). */
  totalMs?: number;
}

export const defaultSmtpTimeouts: SmtpTimeouts = { connectMs: 10_000, greetingMs: 10_000, socketMs: 30_000, totalMs: 120_000 };

type Options = { kind: "ok"; options: SMTPConnectionOptions; auth?: { user: string; pass: string } } | { kind: "invalid"; error: string };

/** Pure: the nodemailer connection options for the settings (the password read from the setting it names). */
export function connectionOptions(smtp: SmtpSettings, env: Record<string, string | undefined>, timeouts: SmtpTimeouts = defaultSmtpTimeouts): Options {
  const options: SMTPConnectionOptions = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === "tls",
    requireTLS: smtp.tls === "starttls",
    ignoreTLS: smtp.tls === "none",
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    logger: false,
  };
  if (smtp.user === undefined) return { kind: "ok", options };
  const pass = smtp.passwordSetting === undefined ? undefined : env[smtp.passwordSetting];
  if (pass === undefined || pass === "") {
    return { kind: "invalid", error: `SMTP_USER is set but the password setting ${smtp.passwordSetting ?? "(SMTP_PASSWORD_SETTING)"} is empty or missing` };
  }
  return { kind: "ok", options, auth: { user: smtp.user, pass } };
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
}

/**
 * Pure: an SMTP reply of 4xx/5xx (to MAIL FROM, RCPT TO, DATA or the end of the data) means the
 * server did not take the message. Without a reply, what matters is whether the body had started
 * to flow (after the server's 354): before it, nothing can have been accepted; after it, the
 * server may have queued the message before the connection broke.
 */
export function classifySendError(error: unknown, dataStarted: boolean): Exclude<SendOutcome, { kind: "sent" }> {
  const e = (error ?? {}) as SmtpError;
  const message = typeof e.message === "string" ? e.message : String(error);
  const base = e.code === undefined ? { error: message } : { error: message, code: e.code };
  if (typeof e.responseCode === "number" && e.responseCode >= 400) return { kind: "rejected-before-accept", ...base, responseCode: e.responseCode };
  return dataStarted ? { kind: "outcome-unknown", ...base } : { kind: "rejected-before-accept", ...base };
}

/** A mailer over SMTP. nodemailer is loaded on the first send, not at start-up. */
export function createMailer(smtp: SmtpSettings, env: Record<string, string | undefined>, timeouts: SmtpTimeouts = defaultSmtpTimeouts): Mailer {
  return {
    async send(email) {
      const config = connectionOptions(smtp, env, timeouts);
      if (config.kind === "invalid") return { kind: "rejected-before-accept", error: config.error, code: "ECONFIG" };
      let message: { raw: Buffer; messageId: string };
      let connection: InstanceType<typeof import("nodemailer/lib/smtp-connection").default>;
      try {
        message = await compose(smtp.from, email);
        const { default: SMTPConnection } = await import("nodemailer/lib/smtp-connection");
        connection = new SMTPConnection(config.options);
      } catch (error) {
        return classifySendError(error, false); // nothing went over the network
      }
      let dataStarted = false;
      // SMTPConnection reads the body only once the server said 354 to DATA.
      const body = new Readable({
        read() {
          dataStarted = true;
          this.push(message.raw);
          this.push(null);
        },
      });
      // One listener for the connection's lifetime: an error event always has a listener (never a crash)
      // and rejects whichever step is waiting.
      let failStep: (error: unknown) => void = () => undefined;
      connection.on("error", (error) => failStep(error));
      const step = <T>(run: (resolve: (value: T) => void, reject: (error: unknown) => void) => void): Promise<T> =>
        new Promise<T>((resolve, reject) => {
          failStep = reject;
          run(resolve, reject);
        });
      const totalMs = timeouts.totalMs ?? defaultSmtpTimeouts.totalMs!;
      const deadline = setTimeout(() => failStep(Object.assign(new Error(`The SMTP exchange took longer than ${totalMs} ms`), { code: "ETIMEDOUT" })), totalMs);
      try {
        await step<void>((resolve, reject) => connection.connect((err) => (err ? reject(err) : resolve())));
        const auth = config.auth;
        if (auth !== undefined) await step<void>((resolve, reject) => connection.login(auth, (err) => (err ? reject(err) : resolve())));
        const info = await step<{ serverMessageId?: string | undefined }>((resolve, reject) =>
          connection.send({ from: smtp.from, to: [email.to] }, body, (err, result) => (err || result === undefined ? reject(err) : resolve(result))),
        );
        failStep = () => undefined;
        connection.quit();
        const sent: SendOutcome = { kind: "sent", messageId: message.messageId };
        if (info.serverMessageId !== undefined) sent.serverMessageId = info.serverMessageId;
        return sent;
      } catch (error) {
        failStep = () => undefined;
        connection.close();
        return classifySendError(error, dataStarted);
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}

/** An automated message (RFC 3834), and Exchange's own switch: out-of-office and other auto-replies stay quiet. */
export const automatedHeaders = { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" } as const;

async function compose(from: string, email: OutgoingEmail): Promise<{ raw: Buffer; messageId: string }> {
  const { default: MailComposer } = await import("nodemailer/lib/mail-composer");
  const node = new MailComposer({ from, to: email.to, subject: email.subject, text: email.text, html: email.html, headers: automatedHeaders }).compile();
  return { raw: await node.build(), messageId: node.messageId() };
}
