import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { XmlElement } from "./element.js";

export type { XmlElement } from "./element.js";
export { attr, child, childIgnoreCase, children, descendant, path, text } from "./element.js";

/** No Exchange answer to our requests comes near this; anything larger is not Exchange. */
export const defaultMaxXmlBytes = 1024 * 1024;

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

// Values stay strings and entities stay undecoded here; the five XML entities and
// character references are decoded below, so no DTD-declared entity can ever expand.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  cdataPropName: "#cdata",
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 100,
});

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
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    return invalid("xml-doctype", "The response contains a DOCTYPE or entity declaration, which Exchange never sends; it was refused.");
  }
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    return invalid("xml-malformed", `The response is not well-formed XML: ${msg} (line ${line}, column ${col}).`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    return invalid("xml-malformed", `The response could not be parsed as XML: ${(error as Error).message}`);
  }
  const roots = toElements(nodes, new Map());
  if (roots.length !== 1 || !roots[0]) {
    return invalid("xml-malformed", `The response has ${roots.length} root elements; XML has exactly one.`);
  }
  return { ok: true, value: roots[0] };
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
  if (typeof body === "string") return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

type OrderedNode = Record<string, unknown>;
type Scope = ReadonlyMap<string, string>;

function toElements(nodes: unknown, scope: Scope): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const out: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const qname = Object.keys(node).find((k) => k !== ":@");
    if (qname === undefined || qname.startsWith("#") || qname.startsWith("?")) continue;
    out.push(toElement(qname, node, scope));
  }
  return out;
}

function toElement(qname: string, node: OrderedNode, parentScope: Scope): XmlElement {
  const rawAttrs = (node[":@"] ?? {}) as Record<string, string>;
  const scope = new Map(parentScope);
  const attrs = new Map<string, string>();
  for (const [key, raw] of Object.entries(rawAttrs)) {
    const value = decodeEntities(String(raw));
    if (key === "xmlns") scope.set("", value);
    else if (key.startsWith("xmlns:")) scope.set(key.slice(6), value);
    else if (!attrs.has(localName(key))) attrs.set(localName(key), value);
  }
  const colon = qname.indexOf(":");
  const prefix = colon === -1 ? "" : qname.slice(0, colon);
  const body = node[qname];
  const items = Array.isArray(body) ? (body as OrderedNode[]) : [];
  const content = items.map(characterData).join("");
  return {
    name: localName(qname),
    namespace: scope.get(prefix) ?? "",
    attrs,
    children: toElements(items, scope),
    content,
  };
}

function characterData(item: OrderedNode): string {
  const textValue = item["#text"];
  if (typeof textValue === "string") return decodeEntities(textValue);
  const cdata = item["#cdata"];
  if (!Array.isArray(cdata)) return "";
  return (cdata as OrderedNode[]).map((c) => (typeof c["#text"] === "string" ? c["#text"] : "")).join("");
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}

const predefined: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (!ref.startsWith("#")) return predefined[ref] ?? whole;
    const codePoint = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const valid = codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    return valid ? String.fromCodePoint(codePoint) : whole;
  });
}
