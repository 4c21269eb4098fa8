import { redactorOf, type Redact } from "../diagnosis/redact.js";
import type { Credentials } from "./credentials.js";

/** Per-request secrets (NTLM messages, tokens) kept for redaction: enough for every request a profile can have in flight. */
const maxLearnt = 128;

/**
 * The secrets one session uses, known from its credentials (password, `user:password` and its Base64, the client
 * secret) and learnt as it sends them (the Basic header value, NTLM messages, the Bearer token). Per session, never
 * global: `redact` removes each of them, in every form, from a server's words.
 */
export class SecretBook {
  readonly #fixed: string[];
  readonly #learnt = new Set<string>();
  #redact: Redact | undefined;

  constructor(values: Iterable<string> = []) {
    this.#fixed = [...values].filter((v) => v !== "");
  }

  /** The secrets a profile's credentials hold before anything is sent. */
  static of(credentials: Credentials): SecretBook {
    if (credentials.kind === "oauth") return new SecretBook(credentials.app.kind === "client-secret" ? [credentials.app.secret.reveal()] : []);
    const password = credentials.password.reveal();
    const pair = `${credentials.username}:${password}`;
    return new SecretBook([password, pair, Buffer.from(pair, "utf8").toString("base64")]);
  }

  /** A credential put on the wire ("Basic …", "NTLM …", "Bearer …" or a bare token): from now on redacted too. */
  add(authorization: string): void {
    const value = authorization.trim();
    if (value === "" || this.#learnt.has(value)) return;
    if (this.#learnt.size >= maxLearnt) this.#learnt.delete(this.#learnt.values().next().value!);
    this.#learnt.add(value);
    this.#redact = undefined;
  }

  /** Built on first use after a change: sending stays cheap, only failures pay for redaction. */
  readonly redact: Redact = (text) => {
    this.#redact ??= redactorOf([...this.#fixed, ...[...this.#learnt].flatMap(withCredential)]);
    return this.#redact(text);
  };
}

/** "Basic xyz", "Bearer xyz", "NTLM xyz": the header value and the credential after its scheme. */
function withCredential(value: string): string[] {
  const credential = /^(basic|bearer|ntlm|negotiate)\s+(\S+)$/i.exec(value)?.[2];
  return credential === undefined ? [value] : [value, credential];
}
