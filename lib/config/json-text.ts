/**
 * JSON text as people write it (profile files, request bodies, the Dataverse map file): parsed, or refused with the
 * line and column of the mistake — the same words on the command line and over HTTP, whatever Node's message says.
 */
export type JsonText = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string; message: string };

export function parseJsonText(text: string): JsonText {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const position = positionOf(body, raw);
    const { line, column } = lineColumn(body, position);
    const reason = reasonOf(raw, body);
    return { ok: false, line, column, reason, message: `is not valid JSON at line ${line}, column ${column}: ${reason}` };
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length))).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function positionOf(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message)?.[1];
  if (stated !== undefined) return Number(stated);
  if (/unexpected end/i.test(message) || text.trim() === "") return text.length;
  // V8 names no position for an unexpected token: the shortest prefix that fails otherwise than "ends too soon" ends there.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsBeforeEnd(text.slice(0, mid + 1))) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Whether a prefix of the text already holds the mistake (rather than only stopping too soon). */
function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const stated = /at position (\d+)/.exec(message)?.[1];
    if (stated !== undefined) return Number(stated) < prefix.length;
    return !/unexpected end|unterminated string/i.test(message);
  }
}

/** Node's reason without its position and without the quoted document (which can be long). */
function reasonOf(message: string, text: string): string {
  if (text.trim() === "") return "the text is empty";
  const token = /^Unexpected token '(.+?)', /s.exec(message)?.[1];
  if (token !== undefined) return `unexpected '${token}'`;
  const reason = message
    .replace(/\s*in JSON at position \d+.*$/s, "")
    .replace(/^JSON\.parse: /, "")
    .trim();
  return reason;
}
