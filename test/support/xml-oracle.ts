import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { XmlElement } from "../../lib/xml/element.js";

/**
 * The ORACLE for lib/xml/scan.ts: the reader the app used before it (fast-xml-parser's validator, then its
 * parser, then a conversion to XmlElement), kept only for the differential test. It is slower (two passes and an
 * intermediate tree), not wrong: where both accept an input they must build the same elements.
 */
export type OracleParse = { ok: true; value: XmlElement } | { ok: false; message: string };

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

/** The old path from the decoded text on (the size, UTF-8 and DOCTYPE checks are shared and come before). */
export function oracleParse(xml: string): OracleParse {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) return { ok: false, message: verdict.err.msg };
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const roots = toElements(nodes, new Map());
  if (roots.length !== 1 || !roots[0]) return { ok: false, message: `${roots.length} root elements` };
  return { ok: true, value: roots[0] };
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
