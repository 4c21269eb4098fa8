import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { XmlElement } from "../../lib/xml/element.js";
import { parseXml } from "../../lib/xml/safe-parse.js";
import { oracleParse } from "../support/xml-oracle.js";

/**
 * lib/xml/scan.ts (the app's one-pass reader) against the reader it replaced (fast-xml-parser: validate, then parse),
 * over a generated corpus: every Exchange fixture, hand-written edge cases, truncations and seeded one-character
 * mutations. Where both accept an input they must build the same elements; the new reader may refuse more (it is
 * stricter on references and attributes), and the only thing it accepts that the old refused is a malformed XML
 * declaration, which it skips like any processing instruction.
 */

const fixtureDir = join(import.meta.dirname, "../fixtures/exchange");
const fixtures = readdirSync(fixtureDir).map((name) => ({ name, text: readFileSync(join(fixtureDir, name), "utf8") }));

const edgeCases = [
  `<a/>`,
  `<?xml version="1.0" encoding="utf-8"?>\n<a x='1' y="2">t</a>\n`,
  `\uFEFF<a>bom</a>`,
  `<a><![CDATA[<not> &a tag;]]>after</a>`,
  `<!-- c --><a><!-- inside -->x<?pi data?>y</a><!-- after -->`,
  `<s:E xmlns:s="urn:s" xmlns="urn:d"><s:B><C xmlns=""><D/></C><s:F xmlns:s="urn:other"/></s:B></s:E>`,
  `<a t="&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;">&lt;&#x41;&#66;&gt;</a>`,
  `<a>&#0;</a>`,
  `<a>&#xD800;</a>`,
  `<a>&nbsp;</a>`,
  `<a>AT&T</a>`,
  `<a b="1" b="2"/>`,
  `<a b="<"/>`,
  `<a b=1/>`,
  `<a b="1"c="2"/>`,
  `<a></b>`,
  `<a><b></a></b>`,
  `<a/><b/>`,
  `text<a/>`,
  `<a>x</a>trailing`,
  `<1a/>`,
  `<a:b:c/>`,
  `<a  \n\t x = "1" \n/>`,
  `<?xml version="1.0"?><?xml-stylesheet href="x"?><a/>`,
  `<?xml version=1.0?><a/>`,
  `<a><![CDATA[unterminated</a>`,
  `<a><!-- unterminated </a>`,
  `<a><!ELEMENT x ANY></a>`,
  `<a>]]></a>`,
  `<a xmlns:p="urn:p" p:x="1" x="2"/>`,
  `<a>${"<b>".repeat(50)}${"</b>".repeat(50)}</a>`,
  ``,
  `   `,
  `<`,
  `<a`,
  `<a>`,
];

/** A small seeded generator, so a failure names an input that can be made again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const alphabet = `<>&;"'/=!?[]-: \n#xa0Z1é\u00A0\uFFFF`;

function corpus(): string[] {
  const inputs = [...edgeCases];
  const next = random(13);
  for (const { text } of fixtures) {
    inputs.push(text);
    const cuts = Math.min(text.length, 80);
    for (let k = 1; k <= cuts; k++) inputs.push(text.slice(0, Math.floor((text.length * k) / (cuts + 1))));
    for (let k = 0; k < 200; k++) {
      const at = Math.floor(next() * text.length);
      const ch = alphabet[Math.floor(next() * alphabet.length)]!;
      const how = next();
      inputs.push(how < 0.4 ? text.slice(0, at) + ch + text.slice(at + 1) : how < 0.8 ? text.slice(0, at) + ch + text.slice(at) : text.slice(0, at) + text.slice(at + 1));
    }
  }
  return inputs;
}

function same(a: XmlElement, b: XmlElement): boolean {
  if (a.name !== b.name || a.namespace !== b.namespace || a.content !== b.content || a.children.length !== b.children.length) return false;
  const attrs = (e: XmlElement) => JSON.stringify([...e.attrs].sort(([x], [y]) => (x < y ? -1 : 1)));
  if (attrs(a) !== attrs(b)) return false;
  return a.children.every((c, i) => same(c, b.children[i]!));
}

/** The input with its leading XML declaration (or other processing instruction) taken off. */
function withoutDeclaration(xml: string): string {
  return xml.replace(/^\uFEFF?\s*<\?[\s\S]*?\?>/, "");
}

describe("lib/xml/scan.ts against fast-xml-parser (differential)", () => {
  it("builds the same elements wherever both accept, and accepts nothing else the old reader refused", () => {
    const inputs = corpus();
    const counts = { bothAccept: 0, bothRefuse: 0, onlyOldAccepts: 0, onlyNewAccepts: 0 };
    const different: string[] = [];
    const unexplained: string[] = [];
    for (const input of inputs) {
      const ours = parseXml(input);
      if (!ours.ok && ours.problem.code !== "xml-malformed") continue; // DOCTYPE and encoding: refused before either reader
      const old = oracleParse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
      if (ours.ok && old.ok) {
        counts.bothAccept++;
        if (!same(ours.value, old.value)) different.push(input);
      } else if (!ours.ok && !old.ok) counts.bothRefuse++;
      else if (old.ok) {
        counts.onlyOldAccepts++;
        expect(ours.ok ? "" : ours.problem.message).toMatch(/^The response is not well-formed XML: ./);
      } else {
        counts.onlyNewAccepts++;
        const again = oracleParse(withoutDeclaration(input));
        if (!(ours.ok && again.ok && same(ours.value, again.value))) unexplained.push(input);
      }
    }
    expect(different).toEqual([]);
    expect(unexplained).toEqual([]);
    // The corpus exercises every side: not a test that passes on nothing.
    expect(inputs.length).toBeGreaterThan(5000);
    expect(counts.bothAccept).toBeGreaterThan(1000);
    expect(counts.bothRefuse).toBeGreaterThan(1000);
  });
});
