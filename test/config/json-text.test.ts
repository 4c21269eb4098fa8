import { describe, expect, it } from "vitest";
import { parseJsonText } from "../../lib/config/json-text.js";

describe("parseJsonText: line and column of a mistake, whatever Node's message", () => {
  it.each([
    ['{"a": 1,, }', 1, 9, "expected double-quoted property name"],
    ['{"a": 1\n  "b": 2}', 2, 3, "expected ',' or '}' after property value"],
    ['{\n  "a": xyz}', 2, 8, "unexpected 'x'"],
    ['{\r\n  "a": 1,\r\n  "b": tru }', 3, 11, "unexpected"],
    ['{"a":', 1, 6, "unexpected end of JSON input"],
    ["", 1, 1, "the text is empty"],
    ['{"a":1}x', 1, 8, "unexpected"],
  ])("%j → line %i, column %i", (text, line, column, reason) => {
    const parsed = parseJsonText(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect([parsed.line, parsed.column]).toEqual([line, column]);
    expect(parsed.reason.toLowerCase()).toContain(reason.toLowerCase());
    expect(parsed.message).toBe(`is not valid JSON at line ${line}, column ${column}: ${parsed.reason}`);
  });

  it("reads JSON with a byte-order mark", () => {
    expect(parseJsonText('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});
