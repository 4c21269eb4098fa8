import { describe, expect, it } from "vitest";
import { parseProfile } from "../../lib/config/profile.js";
import { toDocument } from "../../lib/profiles/export.js";
import { designExample } from "../profiles/fixtures.js";

const fields = (input: unknown): string[] => {
  const result = parseProfile({ ...designExample, maintenance: input });
  return result.ok ? [] : result.problems.map((p) => p.field);
};

describe("profile maintenance windows", () => {
  it("defaults to no window", () => {
    const result = parseProfile(designExample);
    expect(result.ok && result.profile.maintenance).toEqual([]);
  });

  it("accepts a one-off and a weekly window across midnight", () => {
    const maintenance = [
      { start: "2026-12-05T22:00:00+01:00", end: "2026-12-06T02:00:00+01:00", reason: "CU15 upgrade" },
      { day: "sunday", from: "23:00", to: "02:00", timeZone: "Europe/Berlin" },
    ];
    const result = parseProfile({ ...designExample, maintenance });
    expect(result.ok).toBe(true);
    expect(result.ok && result.profile.maintenance).toEqual(maintenance);
  });

  it("names every wrong field of every window at once", () => {
    const result = parseProfile({
      ...designExample,
      maintenance: [
        { start: "2026-12-06T02:00:00Z", end: "2026-12-05T22:00:00Z" },
        { day: "someday", from: "25:00", to: "7:00", timeZone: "Mars/Olympus", colour: "red" },
        { start: "yesterday", end: "2026-12-05T22:00:00" },
        { day: "monday", from: "01:00", to: "02:00", timeZone: "UTC", start: "2026-12-05T22:00:00Z" },
        { reason: "no times" },
        "sunday nights",
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = Object.fromEntries(result.problems.map((p) => [p.field, p.message]));
    expect(Object.keys(byField).sort()).toEqual(
      [
        "maintenance[0].end",
        "maintenance[1].day",
        "maintenance[1].from",
        "maintenance[1].to",
        "maintenance[1].timeZone",
        "maintenance[1].colour",
        "maintenance[2].start",
        "maintenance[2].end",
        "maintenance[3]",
        "maintenance[4]",
        "maintenance[5]",
      ].sort(),
    );
    expect(byField["maintenance[0].end"]).toMatch(/after start/);
    expect(byField["maintenance[1].timeZone"]).toMatch(/IANA time zone/);
    expect(byField["maintenance[1].from"]).toMatch(/HH:MM/);
    expect(byField["maintenance[1].colour"]).toMatch(/not a known field/);
    expect(byField["maintenance[2].end"]).toMatch(/offset/);
    expect(byField["maintenance[3]"]).toMatch(/not both/);
    expect(byField["maintenance[4]"]).toMatch(/one-off window/);
  });

  it("names a missing field of a weekly window", () => {
    expect(fields([{ day: "monday", from: "01:00", to: "02:00" }])).toEqual(["maintenance[0].timeZone"]);
  });

  it("refuses more than 50 windows", () => {
    const window = { day: "monday", from: "01:00", to: "02:00", timeZone: "UTC" };
    expect(fields(Array.from({ length: 51 }, () => window))).toEqual(["maintenance"]);
  });

  it("keeps the other fields' problems beside the windows'", () => {
    const result = parseProfile({ ...designExample, owner: "nobody", maintenance: [{ day: "monday", from: "1", to: "02:00", timeZone: "UTC" }] });
    expect(!result.ok && result.problems.map((p) => p.field).sort()).toEqual(["maintenance[0].from", "owner"]);
  });

  it("survives export and re-import, and is left out of the exported file when empty", () => {
    const maintenance = [{ day: "saturday", from: "23:00", to: "03:00", timeZone: "America/New_York", reason: "patching" }];
    const parsed = parseProfile({ ...designExample, maintenance });
    if (!parsed.ok) throw new Error("the example must parse");
    const { mailboxes: _, ...settings } = parsed.profile;
    const document = toDocument(settings, []);
    expect(document.maintenance).toEqual(maintenance);
    const again = parseProfile(document);
    expect(again.ok && again.profile.maintenance).toEqual(maintenance);
    expect("maintenance" in toDocument({ ...settings, maintenance: [] }, [])).toBe(false);
  });
});
