import { remediationParts } from "../diagnosis/remediation.js";

/** The pieces of an email's sentences that the text and HTML parts render differently. */
export type Inline =
  | { kind: "text"; text: string }
  /** A command or a value to type: monospace in HTML, in backticks in text. */
  | { kind: "code"; text: string }
  /** A time: one unbroken "2025-03-04 09:50 UTC" in HTML. */
  | { kind: "time"; iso: string }
  | { kind: "link"; url: string }
  | { kind: "strong"; text: string };

export const text = (value: string): Inline => ({ kind: "text", text: value });
export const code = (value: string): Inline => ({ kind: "code", text: value });
export const time = (iso: string): Inline => ({ kind: "time", iso });
export const link = (url: string): Inline => ({ kind: "link", url });
export const strong = (value: string): Inline => ({ kind: "strong", text: value });

const verbs = "New|Get|Set|Test|Add|Remove|Enable|Disable|Grant|Revoke|Update|Register|Connect|Install|Import|Export";
const cmdletStart = new RegExp(`\\b(?:${verbs})-[A-Z][A-Za-z]+\\b`, "g");

/** Where a command that starts at `start` ends: an unbalanced ")", a ";", " (", " or ", " and ", or a sentence's end. */
function commandEnd(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"' || ch === "'") {
      const close = s.indexOf(ch, i + 1);
      if (close > 0) i = close;
      continue;
    }
    if (ch === "(") {
      if (depth === 0 && s[i - 1] === " ") return i - 1;
      depth++;
    } else if (ch === ")") {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && (ch === ";" || (ch === "." && (i + 1 === s.length || s[i + 1] === " ")))) return i;
    else if (depth === 0 && (s.startsWith(" or ", i) || s.startsWith(" and ", i) || s.startsWith(", ", i))) return i;
  }
  return s.length;
}

/** PowerShell commands inside prose, found by their Verb-Noun name. */
function markCmdlets(s: string): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  cmdletStart.lastIndex = 0;
  for (let m = cmdletStart.exec(s); m !== null; m = cmdletStart.exec(s)) {
    if (m.index < at) continue;
    const end = commandEnd(s, m.index + m[0].length);
    if (m.index > at) out.push(text(s.slice(at, m.index)));
    out.push(code(s.slice(m.index, end).trimEnd()));
    at = end;
    cmdletStart.lastIndex = end;
  }
  if (at < s.length) out.push(text(s.slice(at)));
  return out;
}

/**
 * Prose with its commands marked: the remediation texts mark theirs in backticks (lib/diagnosis/remediation.ts);
 * a text without any (an older stored failure, another source's words) has its PowerShell Verb-Noun commands found.
 */
export function inlineText(s: string): Inline[] {
  if (!s.includes("`")) return markCmdlets(s);
  return remediationParts(s).map((part) => (part.kind === "code" ? code(part.text) : text(part.text)));
}

/** Plain text of inline pieces. */
export function plain(pieces: readonly Inline[], timeLabel: (iso: string) => string): string {
  return pieces
    .map((p) => {
      switch (p.kind) {
        case "text":
        case "strong":
          return p.text;
        case "code":
          return `\`${p.text}\``;
        case "time":
          return timeLabel(p.iso);
        case "link":
          return p.url;
      }
    })
    .join("");
}
