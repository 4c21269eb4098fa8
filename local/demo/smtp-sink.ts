import { mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import type { LocalLog } from "../log.js";

export interface SmtpSink {
  port: number;
  received(): number;
  stop(): Promise<void>;
}

/** The demo's mail server: accepts every message, writes it as an .eml file and says so on the console. */
export async function startSmtpSink(folder: string, log: LocalLog): Promise<SmtpSink> {
  await mkdir(folder, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "exchange-sync-monitor demo mail sink",
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const message = Buffer.concat(chunks);
        count += 1;
        const file = join(folder, `${new Date().toISOString().replace(/[:.]/g, "-")}-${count}.eml`);
        const subject = headerOf(message.toString("utf8"), "Subject") ?? "(no subject)";
        const to = session.envelope.rcptTo.map((r) => r.address).join(", ");
        writeFile(file, message).then(
          () => {
            log(`demo mail sink: email to ${to}: "${subject}" saved as ${file}`);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, received: () => count, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** One header of a message, unfolded, with RFC 2047 encoded words decoded, for the console. */
export function headerOf(message: string, name: string): string | undefined {
  const head = message.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (line === undefined) return undefined;
  return line
    .slice(name.length + 1)
    .trim()
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_all, _charset: string, encoding: string, text: string) =>
      encoding.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
    );
}
