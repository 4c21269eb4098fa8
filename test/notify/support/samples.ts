import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeWords, parseEmail } from "./mime.js";
import type { SmtpSink } from "./smtp-sink.js";

export interface ReceivedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The emails the sink received, in order: subjects decoded, line ends as a reader's editor shows them. */
export function receivedEmails(sink: SmtpSink): ReceivedEmail[] {
  return sink.received
    .map((r) => parseEmail(r.raw))
    .map((e) => ({ subject: decodeWords(e.headers.subject!), text: e.text.replace(/\r\n/g, "\n"), html: e.html.replace(/\r\n/g, "\n") }));
}

/** With WRITE_SAMPLES=1, the email is written to docs/samples as `name`.txt (with its subject) and `name`.html. */
export function writeSample(name: string, email: ReceivedEmail): void {
  if (process.env.WRITE_SAMPLES !== "1") return;
  const dir = join(import.meta.dirname, "../../../docs/samples");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.html`), email.html);
  writeFileSync(join(dir, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}`);
}
