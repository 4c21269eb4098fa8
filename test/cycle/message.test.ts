import { describe, expect, it } from "vitest";
import { parseProbeMessage } from "../../lib/cycle/message.js";

const base = { profileId: "p", cycle: 4, shard: { index: 1, count: 4 }, maxConnections: 3, scheduledAt: "2026-11-30T18:00:00.000Z" };

describe("probe message buckets", () => {
  it("reads a shard's bucket range, and a message queued before ranges existed", () => {
    expect(parseProbeMessage({ ...base, buckets: { from: 300, to: 600 } })).toEqual({ ok: true, message: { ...base, buckets: { from: 300, to: 600 } } });
    expect(parseProbeMessage(base)).toEqual({ ok: true, message: base });
  });

  it("reads a sole shard's cycle ETag and refuses one that is empty or not text", () => {
    const etag = `W/"datetime'2026-11-30T18%3A00%3A00.1234567Z'"`;
    expect(parseProbeMessage({ ...base, cycleEtag: etag })).toEqual({ ok: true, message: { ...base, cycleEtag: etag } });
    for (const cycleEtag of ["", 12, "x".repeat(257)]) {
      const parsed = parseProbeMessage({ ...base, cycleEtag });
      expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^cycleEtag: /)]);
    }
  });

  it("reads the profile's limit the cycle was planned with, and refuses one that is not a whole number from 1 to 100", () => {
    expect(parseProbeMessage({ ...base, profileLimit: 10 })).toEqual({ ok: true, message: { ...base, profileLimit: 10 } });
    for (const profileLimit of [0, 101, 2.5, "10"]) {
      const parsed = parseProbeMessage({ ...base, profileLimit });
      expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^profileLimit: /)]);
    }
  });

  it("reads how many mailboxes a shard reads first, and refuses a count that is not a whole number from 1 to 1000", () => {
    expect(parseProbeMessage({ ...base, firstPage: 100 })).toEqual({ ok: true, message: { ...base, firstPage: 100 } });
    for (const firstPage of [0, 1001, 12.5, "100"]) {
      const parsed = parseProbeMessage({ ...base, firstPage });
      expect(parsed.ok ? [] : parsed.problems).toEqual([expect.stringMatching(/^firstPage: /)]);
    }
  });

  it("refuses a range that is reversed, outside 0–1000 or not whole, naming the field", () => {
    const problems = (buckets: unknown) => {
      const parsed = parseProbeMessage({ ...base, buckets });
      return parsed.ok ? [] : parsed.problems;
    };
    expect(problems({ from: 600, to: 300 })).toEqual([expect.stringMatching(/^buckets: from must not be above to/)]);
    expect(problems({ from: 0, to: 1001 })).toEqual([expect.stringMatching(/^buckets\.to: /)]);
    expect(problems({ from: -1, to: 10.5 })).toHaveLength(2);
    expect(problems({ from: 0, to: 10, extra: 1 })).toEqual([expect.stringMatching(/^buckets/)]);
  });
});
