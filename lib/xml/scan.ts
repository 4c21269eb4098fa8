import type { XmlElement } from "./element.js";

/**
 * A strict, single-pass XML reader for the small answers Exchange gives: it checks well-formedness (names,
 * quoted attributes, no duplicate attribute, every tag closed in order, one root, nothing but whitespace,
 * comments and processing instructions around it, references limited to the five predefined entities and
 * character references) while it builds the elements, instead of validating in one pass and parsing in another.
 * It never expands a declared entity: DOCTYPE and ENTITY declarations are refused by the caller before it runs,
 * and any `<!` other than a comment or CDATA is malformed here.
 */
export type ScanResult = { ok: true; root: XmlElement } | { ok: false; message: string };

class Malformed extends Error {}

interface MutableElement {
  name: string;
  namespace: string;
  attrs: ReadonlyMap<string, string>;
  children: XmlElement[];
  content: string;
}

interface Frame {
  qname: string;
  element: MutableElement;
  scope: Scope;
}

type Scope = ReadonlyMap<string, string>;

const emptyScope: Scope = new Map();
const noAttributes: ReadonlyMap<string, string> = new Map();

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BANG = 0x21;
const QUESTION = 0x3f;

export function scanXml(xml: string, maxDepth: number): ScanResult {
  try {
    return { ok: true, root: new Scanner(xml, maxDepth).document() };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, message: error.message };
    throw error;
  }
}

class Scanner {
  #i = 0;
  readonly #stack: Frame[] = [];

  constructor(
    private readonly xml: string,
    private readonly maxDepth: number,
  ) {}

  document(): XmlElement {
    const xml = this.xml;
    this.#misc();
    if (this.#i >= xml.length) throw new Malformed("the document has no root element");
    if (xml.charCodeAt(this.#i) !== LT) throw new Malformed(`text before the root element at offset ${this.#i}`);
    const root = this.#startTag(emptyScope);
    if (root.open) this.#content();
    this.#misc();
    if (this.#i < xml.length) {
      throw new Malformed(xml.charCodeAt(this.#i) === LT ? "more than one root element" : `text after the root element at offset ${this.#i}`);
    }
    return root.element;
  }

  /** Whitespace, comments and processing instructions (the XML declaration among them) outside the root. */
  #misc(): void {
    const xml = this.xml;
    for (;;) {
      this.#skipSpace();
      if (xml.charCodeAt(this.#i) !== LT) return;
      const next = xml.charCodeAt(this.#i + 1);
      if (next === QUESTION) this.#skipPast("?>", "processing instruction");
      else if (next === BANG && xml.startsWith("<!--", this.#i)) this.#skipPast("-->", "comment");
      else if (next === BANG) throw new Malformed(`unexpected markup declaration at offset ${this.#i}`);
      else return;
    }
  }

  /** Everything between the root's start tag and its end tag, nested elements included (iteratively, so depth cannot blow the stack). */
  #content(): void {
    const xml = this.xml;
    const stack = this.#stack;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const lt = xml.indexOf("<", this.#i);
      if (lt === -1) throw new Malformed(`<${frame.qname}> is not closed`);
      if (lt > this.#i) frame.element.content += this.#text(xml.slice(this.#i, lt));
      this.#i = lt;
      const next = xml.charCodeAt(lt + 1);
      if (next === SLASH) {
        this.#endTag(frame);
        stack.pop();
      } else if (next === BANG) {
        if (xml.startsWith("<!--", lt)) this.#skipPast("-->", "comment");
        else if (xml.startsWith("<![CDATA[", lt)) {
          const end = xml.indexOf("]]>", lt + 9);
          if (end === -1) throw new Malformed(`unterminated CDATA section at offset ${lt}`);
          frame.element.content += xml.slice(lt + 9, end);
          this.#i = end + 3;
        } else throw new Malformed(`unexpected markup declaration at offset ${lt}`);
      } else if (next === QUESTION) {
        this.#skipPast("?>", "processing instruction");
      } else {
        const { element } = this.#startTag(frame.scope);
        frame.element.children.push(element);
      }
    }
  }

  /** Reads `<name attr="value" ...>` or `.../>`; an open element is pushed on the stack. */
  #startTag(parentScope: Scope): { element: XmlElement; open: boolean } {
    const xml = this.xml;
    const at = this.#i;
    this.#i += 1;
    const qname = this.#name("element");
    let attributes: [string, string][] | undefined;
    for (;;) {
      const spaced = this.#skipSpace();
      const c = xml.charCodeAt(this.#i);
      if (c === GT || c === SLASH) break;
      if (Number.isNaN(c)) throw new Malformed(`<${qname}> at offset ${at} is not closed`);
      if (!spaced) throw new Malformed(`missing whitespace before an attribute of <${qname}> at offset ${this.#i}`);
      const name = this.#name("attribute");
      this.#skipSpace();
      if (xml.charCodeAt(this.#i) !== EQUALS) throw new Malformed(`attribute ${name} of <${qname}> has no value`);
      this.#i += 1;
      this.#skipSpace();
      const quote = xml.charCodeAt(this.#i);
      if (quote !== QUOTE && quote !== APOSTROPHE) throw new Malformed(`attribute ${name} of <${qname}> is not quoted`);
      const end = xml.indexOf(quote === QUOTE ? '"' : "'", this.#i + 1);
      if (end === -1) throw new Malformed(`attribute ${name} of <${qname}> is not closed`);
      const raw = xml.slice(this.#i + 1, end);
      if (raw.includes("<")) throw new Malformed(`attribute ${name} of <${qname}> contains '<'`);
      attributes ??= [];
      if (attributes.some(([n]) => n === name)) throw new Malformed(`attribute ${name} is repeated on <${qname}>`);
      attributes.push([name, this.#text(raw)]);
      this.#i = end + 1;
    }
    const selfClosing = xml.charCodeAt(this.#i) === SLASH;
    if (selfClosing) {
      if (xml.charCodeAt(this.#i + 1) !== GT) throw new Malformed(`'/' not followed by '>' in <${qname}>`);
      this.#i += 2;
    } else this.#i += 1;

    let scope = parentScope;
    let attrs = noAttributes;
    if (attributes !== undefined) {
      const own = new Map<string, string>();
      for (const [name, value] of attributes) {
        if (name === "xmlns" || name.startsWith("xmlns:")) {
          if (scope === parentScope) scope = new Map(parentScope);
          (scope as Map<string, string>).set(name === "xmlns" ? "" : name.slice(6), value);
        } else {
          const local = localName(name);
          if (!own.has(local)) own.set(local, value);
        }
      }
      if (own.size > 0) attrs = own;
    }
    const colon = qname.indexOf(":");
    const element: MutableElement = {
      name: colon === -1 ? qname : qname.slice(colon + 1),
      namespace: scope.get(colon === -1 ? "" : qname.slice(0, colon)) ?? "",
      attrs,
      children: [],
      content: "",
    };
    if (!selfClosing) {
      if (this.#stack.length >= this.maxDepth) throw new Malformed(`elements are nested deeper than ${this.maxDepth} levels`);
      this.#stack.push({ qname, element, scope });
    }
    return { element, open: !selfClosing };
  }

  #endTag(frame: Frame): void {
    const xml = this.xml;
    const at = this.#i;
    this.#i += 2;
    const name = this.#name("end tag");
    this.#skipSpace();
    if (xml.charCodeAt(this.#i) !== GT) throw new Malformed(`end tag </${name}> at offset ${at} is not closed`);
    if (name !== frame.qname) throw new Malformed(`</${name}> at offset ${at} closes <${frame.qname}>`);
    this.#i += 1;
  }

  /** An XML name (prefix included): a name-start character, then name characters (XML 1.0, fifth edition). */
  #name(what: string): string {
    const xml = this.xml;
    const start = this.#i;
    const first = xml.charCodeAt(start);
    if (!isNameStart(first)) throw new Malformed(`${what} name expected at offset ${start}`);
    let i = start + 1;
    while (i < xml.length && isNameChar(xml.charCodeAt(i))) i += 1;
    this.#i = i;
    return xml.slice(start, i);
  }

  /** Skips whitespace; true when there was some. */
  #skipSpace(): boolean {
    const xml = this.xml;
    const start = this.#i;
    let i = start;
    for (;;) {
      const c = xml.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) break;
      i += 1;
    }
    this.#i = i;
    return i > start;
  }

  #skipPast(terminator: string, what: string): void {
    const end = this.xml.indexOf(terminator, this.#i + 2);
    if (end === -1) throw new Malformed(`unterminated ${what} at offset ${this.#i}`);
    this.#i = end + terminator.length;
  }

  /** Character data with its references decoded; an unknown entity or a bare '&' is malformed. */
  #text(raw: string): string {
    if (!raw.includes("&")) return raw;
    return raw.replace(/&([^;&]*);?/g, (whole, ref: string) => {
      const decoded = whole.endsWith(";") ? reference(ref) : undefined;
      if (decoded === undefined) throw new Malformed(`'${whole.slice(0, 12)}' is not a predefined entity or character reference`);
      return decoded;
    });
  }
}

const predefined: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function reference(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 0x23) return predefined[ref];
  const digits = ref[1] === "x" ? ref.slice(2) : ref.slice(1);
  if (!(ref[1] === "x" ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const codePoint = parseInt(digits, ref[1] === "x" ? 16 : 10);
  const valid = codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return valid ? String.fromCodePoint(codePoint) : undefined;
}

/** XML 1.0's NameStartChar; astral characters arrive as UTF-16 surrogates (planes 1–14, i.e. up to U+EFFFF). */
function isNameStart(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xdb7f) ||
    (c >= 0xdc00 && c <= 0xdfff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

/** XML 1.0's NameChar. */
function isNameChar(c: number): boolean {
  return (
    isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040
  );
}

function localName(qname: string): string {
  return qname.slice(qname.indexOf(":") + 1);
}
