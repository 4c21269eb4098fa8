import { describe, expect, it } from "vitest";
import { decodeKeyPart, encodeKeyPart, hourKey, hourKeysBetween, hourStart, newestFirstKey, timeOfNewestFirstKey } from "../../lib/store/keys.js";

describe("table keys", () => {
  it("names the UTC hour as yyyyMMddHH", () => {
    expect(hourKey(new Date("2025-03-09T23:59:59.999Z"))).toBe("2025030923");
    expect(hourKey(new Date("2025-03-10T01:30:00+02:00"))).toBe("2025030923");
    expect(hourStart("2025030923").toISOString()).toBe("2025-03-09T23:00:00.000Z");
  });

  it("lists every hour between two times, both ends included, across a day", () => {
    expect(hourKeysBetween(new Date("2025-12-31T22:10:00Z"), new Date("2026-01-01T01:00:00Z"))).toEqual([
      "2025123122",
      "2025123123",
      "2026010100",
      "2026010101",
    ]);
    expect(hourKeysBetween(new Date("2025-01-01T05:00:00Z"), new Date("2025-01-01T04:00:00Z"))).toEqual([]);
  });

  it("makes keys that sort newest first and give their time back", () => {
    const older = newestFirstKey(new Date("2025-01-01T00:00:00Z"));
    const newer = newestFirstKey(new Date("2025-01-01T00:00:00.001Z"), "_x");
    expect(older).toHaveLength(16);
    expect(newer < older).toBe(true);
    expect(timeOfNewestFirstKey(newer).toISOString()).toBe("2025-01-01T00:00:00.001Z");
  });

  it("encodes characters keys refuse and decodes them back", () => {
    for (const value of ["jdoe@contoso.com", "a/b\\c#d?e@x.com", "100%~'quote'@x.com", "tab\there", "ünïcødé@bücher.de"]) {
      const key = encodeKeyPart(value);
      expect(key).not.toMatch(/[/\\#?'\u0000-\u001f\u007f-\u009f]/);
      expect(decodeKeyPart(key)).toBe(value);
    }
    expect(encodeKeyPart("jdoe@contoso.com")).toBe("jdoe@contoso.com");
  });
});
