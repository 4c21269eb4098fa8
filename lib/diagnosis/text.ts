/** Longest piece of a server's own words we quote in a failure message. */
export const maxQuotedLength = 300;

/** Collapses whitespace and cuts to a sane length, marking the cut with an ellipsis. */
export function clip(value: string, max = maxQuotedLength): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** "prefix: words" when the server gave words, else just the prefix. */
export function withWords(prefix: string, words: string | undefined): string {
  const quoted = words ? clip(words) : "";
  return quoted ? `${prefix}: ${quoted}` : `${prefix}.`;
}

/** Sentences joined with a space, each ending with a full stop (unless it already ends a sentence). */
export function joinSentences(...parts: (string | undefined)[]): string {
  return parts
    .map((p) => p?.trim() ?? "")
    .filter((p) => p !== "")
    .map((p) => (/[.!?…:]$|[.!?]["')\]]$/.test(p) ? p : `${p}.`))
    .join(" ");
}
