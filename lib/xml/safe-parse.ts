import { isUtf8 } from "node:buffer";
import type { XmlElement } from "./element.js";
import { scanXml } from "./scan.js";

export type { XmlElement } from "./element.js";
export { attr, child, childIgnoreCase, children, descendant, path, text } from "./element.js";

/** No Exchange answer to our requests comes near this; anything larger is not Exchange. */
export const defaultMaxXmlBytes = 1024 * 1024;

/** Exchange answers nest about ten levels deep; far deeper is hostile. */
const maxDepth = 100;

export interface ParseXmlOptions {
  maxBytes?: number;
}

/** Why a body is not XML we accept; lib/exchange turns it into the diagnosis the administrator reads. */
export interface XmlProblem {
  category: "response-too-large" | "invalid-response";
  code: "body-too-large" | "xml-encoding" | "xml-doctype" | "xml-malformed";
  message: string;
}

export type XmlParse = { ok: true; value: XmlElement } | { ok: false; problem: XmlProblem };

/** Parses an untrusted response body: size cap, no DOCTYPE, no entities, one root element. */
export function parseXml(body: Buffer | string, opts: ParseXmlOptions = {}): XmlParse {
  const maxBytes = opts.maxBytes ?? defaultMaxXmlBytes;
  const size = byteSize(body, maxBytes);
  if (size > maxBytes) {
    const message = `The response body is larger than the ${maxBytes}-byte limit${size === Infinity ? "" : ` (${size} bytes)`}.`;
    return { ok: false, problem: { category: "response-too-large", code: "body-too-large", message } };
  }
  const xml = decode(body);
  if (xml === undefined) return invalid("xml-encoding", "The response body is not valid UTF-8.");
  if (/<!(?:DOCTYPE|ENTITY)/i.test(xml)) {
    return invalid("xml-doctype", "The response contains a DOCTYPE or entity declaration, which Exchange never sends; it was refused.");
  }
  const scanned = scanXml(xml, maxDepth);
  if (!scanned.ok) return invalid("xml-malformed", `The response is not well-formed XML: ${scanned.message}.`);
  return { ok: true, value: scanned.root };
}

function invalid(code: Exclude<XmlProblem["code"], "body-too-large">, message: string): XmlParse {
  return { ok: false, problem: { category: "invalid-response", code, message } };
}

/** Exact size for anything near the cap; Infinity stands for "certainly over" without counting. */
function byteSize(body: Buffer | string, maxBytes: number): number {
  if (typeof body !== "string") return body.byteLength;
  if (body.length > maxBytes) return Infinity;
  if (body.length * 3 <= maxBytes) return body.length;
  return Buffer.byteLength(body, "utf8");
}

function decode(body: Buffer | string): string | undefined {
  const text = typeof body === "string" ? body : isUtf8(body) ? body.toString("utf8") : undefined;
  return text?.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
