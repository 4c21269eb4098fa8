import { describe, expect, it } from "vitest";
import { parseAnswerXml } from "../../lib/exchange/xml-answer.js";
import { attr, child, childIgnoreCase, children, descendant, parseXml, path, text, type XmlElement } from "../../lib/xml/safe-parse.js";
import { fixture } from "../exchange/fixtures.js";

function parsed(body: Buffer | string): XmlElement {
  const result = parseXml(body);
  if (!result.ok) throw new Error(`expected XML, got ${result.problem.code}: ${result.problem.message}`);
  return result.value;
}

/** Refused input, as the diagnosis an Exchange answer's body gets. */
function refused(body: Buffer | string, opts?: { maxBytes?: number }) {
  const result = parseAnswerXml(body, {}, opts);
  if (result.ok) throw new Error("expected a failure");
  return result.failure;
}

describe("parseXml", () => {
  it("matches by local name whatever the prefix, and resolves namespaces", () => {
    const root = parsed(`<s:Envelope xmlns:s="urn:soap"><s:Body><m:R xmlns:m="urn:m" m:Class="Error"/></s:Body></s:Envelope>`);
    expect(root.name).toBe("Envelope");
    expect(root.namespace).toBe("urn:soap");
    const r = path(root, "Body", "R");
    expect(r?.namespace).toBe("urn:m");
    expect(attr(r, "Class")).toBe("Error");
    expect(attr(r, "xmlns:m")).toBeUndefined();
  });

  it("applies a default namespace to unprefixed children", () => {
    const root = parsed(`<A xmlns="urn:a"><B><C xmlns="">x</C></B></A>`);
    expect(child(root, "B")?.namespace).toBe("urn:a");
    expect(path(root, "B", "C")?.namespace).toBe("");
  });

  it("tolerates a UTF-8 BOM in a Buffer and in a string, and no XML declaration", () => {
    expect(parsed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("<a>1</a>")])).name).toBe("a");
    expect(parsed("\uFEFF<a>1</a>").name).toBe("a");
    expect(parsed(fixture("pox-settings-bom-no-declaration.xml")).name).toBe("Autodiscover");
  });

  it("keeps values as strings: no number, boolean or hex parsing", () => {
    const root = parsed(`<a n="0015"><v>0x1F</v><w>007</w><b>true</b><e>1e3</e></a>`);
    expect(attr(root, "n")).toBe("0015");
    expect(text(child(root, "v"))).toBe("0x1F");
    expect(text(child(root, "w"))).toBe("007");
    expect(text(child(root, "b"))).toBe("true");
    expect(text(child(root, "e"))).toBe("1e3");
  });

  it("decodes the predefined entities and character references, and leaves CDATA literal", () => {
    const root = parsed(`<a t="x &amp; &quot;y&quot;"><m>A &lt;b&gt; &#65;&#x42; &apos;</m><c><![CDATA[&amp; <raw>]]></c></a>`);
    expect(attr(root, "t")).toBe('x & "y"');
    expect(text(child(root, "m"))).toBe("A <b> AB '");
    expect(text(child(root, "c"))).toBe("&amp; <raw>");
  });

  it("trims text and treats whitespace-only as absent", () => {
    const root = parsed(`<a><code>\n   ErrorServerBusy\r\n  </code><empty>   </empty><none/></a>`);
    expect(text(child(root, "code"))).toBe("ErrorServerBusy");
    expect(text(child(root, "empty"))).toBeUndefined();
    expect(text(child(root, "none"))).toBeUndefined();
    expect(text(child(root, "missing"))).toBeUndefined();
  });

  it("navigates: children by name, case-insensitive lookup, descendant search", () => {
    const root = parsed(`<a><P>1</P><Q/><P>2</P><RedirectURL>u</RedirectURL><deep><er><x>found</x></er></deep></a>`);
    expect(children(root, "P").map((p) => text(p))).toEqual(["1", "2"]);
    expect(children(root)).toHaveLength(5);
    expect(child(root, "RedirectUrl")).toBeUndefined();
    expect(text(childIgnoreCase(root, "RedirectUrl"))).toBe("u");
    expect(text(descendant(root, "x"))).toBe("found");
    expect(descendant(undefined, "x")).toBeUndefined();
  });
});

describe("parseXml refuses hostile and broken input", () => {
  it("refuses billion-laughs entity expansion before parsing", () => {
    const failure = refused(fixture("hostile-billion-laughs.xml"));
    expect(failure).toMatchObject({ category: "invalid-response", code: "xml-doctype", transient: true });
  });

  it("refuses a DOCTYPE with an external entity, whatever its case", () => {
    expect(refused(fixture("hostile-xxe.xml")).code).toBe("xml-doctype");
    expect(refused(`<a><!ENTITY x "y"></a>`).code).toBe("xml-doctype");
  });

  it("refuses a 50 MB body by its size alone, as a string and as a Buffer", () => {
    const big = "<a>" + "x".repeat(50 * 1024 * 1024) + "</a>";
    // The string's length already proves it too large: no byte count appears in the message.
    expect(refused(big)).toEqual(
      expect.objectContaining({
        category: "response-too-large",
        code: "body-too-large",
        message: "The response body is larger than the 1048576-byte limit.",
      }),
    );
    expect(refused(Buffer.from(big))).toMatchObject({
      category: "response-too-large",
      message: "The response body is larger than the 1048576-byte limit (52428807 bytes).",
    });
  });

  it("measures the cap in bytes, not characters", () => {
    const fourByteChars = "<a>" + "😀".repeat(300) + "</a>"; // 1207 bytes, 607 UTF-16 units
    expect(refused(fourByteChars, { maxBytes: 1000 }).category).toBe("response-too-large");
    expect(parseXml(fourByteChars, { maxBytes: 1207 }).ok).toBe(true);
  });

  it.each([
    ["plain text", "Service Unavailable"],
    ["empty body", ""],
    ["JSON", `{"error":"invalid_token"}`],
    ["HTML without doctype", "<html><body>Sign in<br></body></html>"],
    ["unclosed tag", "<a><b></a>"],
    ["two roots", "<a/><b/>"],
    ["only a declaration", `<?xml version="1.0"?>`],
    ["invalid UTF-8", Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])],
  ])("%s is invalid-response", (_label, body) => {
    expect(refused(body as string | Buffer).category).toBe("invalid-response");
  });

  it("an HTML login page with a doctype is invalid-response", () => {
    expect(refused(fixture("html-login-page.html"))).toMatchObject({ category: "invalid-response", code: "xml-doctype" });
  });

  it.each([
    ["an undeclared entity in text", "<a>&nbsp;</a>"],
    ["an undeclared entity in an attribute", `<a b="&foo;"/>`],
    ["a bare ampersand", "<a>fish & chips</a>"],
    ["a character reference to nothing", "<a>&#0;</a>"],
    ["a character reference past Unicode", "<a>&#x110000;</a>"],
    ["'<' inside an attribute value", `<a b="x<y"/>`],
    ["a repeated attribute", `<a b="1" b="2"/>`],
    ["attributes without whitespace between them", `<a b="1"c="2"/>`],
    ["an unquoted attribute", "<a b=1/>"],
    ["an end tag that closes another element", "<a><b></c></a>"],
    ["a prefix that differs in the end tag", `<s:a xmlns:s="urn:s" xmlns:t="urn:s"></t:a>`],
    ["text after the root", "<a/>trailing"],
    ["an unterminated comment", "<a><!-- x</a>"],
    ["an unterminated CDATA section", "<a><![CDATA[x</a>"],
    ["a markup declaration other than a comment or CDATA", "<a><!ELEMENTS x></a>"],
    ["a no-break space inside an element name", "<User\u00A0Settings/>"],
    ["U+FFFF inside an attribute name", `<a Min\uFFFForBuild="1"/>`],
    ["a name starting with a combining mark", "<\u0301a/>"],
  ])("%s is xml-malformed", (_label, body) => {
    expect(refused(body)).toMatchObject({ category: "invalid-response", code: "xml-malformed" });
  });

  it("accepts comments and processing instructions around and inside the root, and single-quoted attributes", () => {
    const root = parsed(`<?xml version='1.0'?><!-- before --><a b='1'><!-- in --><?pi data?><c/></a><!-- after -->\n`);
    expect(attr(root, "b")).toBe("1");
    expect(children(root).map((c) => c.name)).toEqual(["c"]);
  });

  it("accepts XML 1.0's non-ASCII name characters", () => {
    const root = parsed(`<Prénom·x\u0301 ÿ="1"><日本/><a-b.c_d/></Prénom·x\u0301>`);
    expect(root.name).toBe("Prénom·x\u0301");
    expect(attr(root, "ÿ")).toBe("1");
    expect(children(root).map((c) => c.name)).toEqual(["日本", "a-b.c_d"]);
  });

  it("accepts nesting to 100 levels and refuses 101", () => {
    const nested = (depth: number) => "<a>".repeat(depth) + "</a>".repeat(depth);
    expect(parseXml(nested(100)).ok).toBe(true);
    expect(refused(nested(101)).code).toBe("xml-malformed");
  });

  it("refuses absurd nesting without blowing the stack", () => {
    const deep = "<a>".repeat(5000) + "</a>".repeat(5000);
    expect(refused(deep).category).toBe("invalid-response");
  });

  it("names the host in the remediation when given one", () => {
    const failure = refused("nope");
    expect(failure.remediation).toContain("the Exchange server");
    const named = parseAnswerXml("nope", { host: "mail.contoso.com" });
    expect(named.ok ? "" : named.failure.remediation).toContain("mail.contoso.com");
  });
});
