import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface ReceivedEmail {
  from: string;
  to: string[];
  raw: string;
}

export type SinkBehaviour =
  | { kind: "accept" }
  /** Answers RCPT TO with this error code (451 transient, 550 permanent). */
  | { kind: "refuse-rcpt"; code: number }
  /** Reads the whole message, then never answers: the client times out after the body was sent. */
  | { kind: "hang-after-data" };

/** A real SMTP server in this process, on a free port of 127.0.0.1, that keeps what it accepts. */
export class SmtpSink {
  readonly received: ReceivedEmail[] = [];
  behaviour: SinkBehaviour = { kind: "accept" };
  port = 0;
  private server: SMTPServer | undefined;

  constructor(private readonly auth?: { user: string; pass: string }) {}

  async start(): Promise<this> {
    const options: SMTPServerOptions = {
      secure: false,
      disabledCommands: this.auth === undefined ? ["STARTTLS", "AUTH"] : ["STARTTLS"],
      allowInsecureAuth: true,
      authOptional: this.auth === undefined,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (this.auth !== undefined && auth.username === this.auth.user && auth.password === this.auth.pass) callback(null, { user: auth.username });
        else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.behaviour.kind === "refuse-rcpt") callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: this.behaviour.code }));
        else callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (this.behaviour.kind === "hang-after-data") return; // never answer
          this.received.push({
            from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    };
    const server = new SMTPServer(options);
    server.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening (a later start() reuses the same port); open sessions are closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
