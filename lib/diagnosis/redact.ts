import type { Failure } from "../model/failure.js";
import { escapeXml } from "../xml/escape.js";

/**
 * Removes every form of the secrets a probe used from text a server sent back. Built by whoever holds the
 * secrets (lib/auth's SecretBook) and handed to the code that turns a server's answer into a Failure, which
 * applies it to the server's words BEFORE clipping them (a clipped secret would escape a later redaction).
 */
export type Redact = (text: string) => string;

export const redactedMark = "[redacted]";

/** For callers that used no secret (anonymous requests) and for tests of pure classifiers. */
export const noRedaction: Redact = (text) => text;

/** The ways a value can come back in a server's words: as sent (padding dropped), URL- or form-escaped (either case of hex), XML- or JSON-escaped, or in Base64. */
export function secretForms(value: string): string[] {
  if (value === "") return [];
  const forms = [
    value,
    // A Base64 credential quoted without its padding.
    value.replace(/=+$/, ""),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, "+"),
    // As a form body writes it (URLSearchParams also escapes ~ ! ' ( ), which Entra secrets hold).
    formEncoded(value),
    // As .NET's UrlEncode writes them: lower-case hex digits.
    lowerHex(encodeURIComponent(value)),
    lowerHex(encodeURIComponent(value).replace(/%20/g, "+")),
    lowerHex(formEncoded(value)),
    escapeXml(value),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value, "utf8").toString("base64"),
    Buffer.from(value, "utf8").toString("base64").replace(/=+$/, ""),
  ];
  return [...new Set(forms.filter((f) => f !== ""))];
}

const formEncoded = (value: string): string => new URLSearchParams([["", value]]).toString().slice(1);
const lowerHex = (encoded: string): string => encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/** A Redact for a fixed list of values (each in every form of `secretForms`), longest first. */
export function redactorOf(values: Iterable<string>): Redact {
  const forms = [...new Set([...values].flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return noRedaction;
  return (text) => {
    let out = text;
    // Longest first, and none longer than the text: short strings (addresses, URLs) skip the long NTLM messages.
    for (let i = firstNotLonger(forms, text.length); i < forms.length; i++) {
      const form = forms[i]!;
      if (out.includes(form)) out = out.split(form).join(redactedMark);
    }
    return out;
  };
}

/** Index of the first form (sorted longest first) no longer than `length`. */
function firstNotLonger(forms: readonly string[], length: number): number {
  let low = 0;
  let high = forms.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (forms[mid]!.length > length) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A Failure with every server-derived text field redacted (message, code, remediation). */
export function redactFailure(failure: Failure, redact: Redact): Failure {
  if (redact === noRedaction) return failure;
  const message = redact(failure.message);
  const code = redact(failure.code);
  const remediation = redact(failure.remediation);
  if (message === failure.message && code === failure.code && remediation === failure.remediation) return failure;
  return { ...failure, message, code, remediation };
}

/** Every string inside a plain JSON-like value redacted (a report about to leave the engine). */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (redact === noRedaction) return value;
  return walk(value, redact) as T;
}

function walk(value: unknown, redact: Redact): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, redact));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, redact)]));
  }
  return value;
}
