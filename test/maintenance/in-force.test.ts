import { describe, expect, it } from "vitest";
import { activeWindow, hourInMaintenance, occurrenceAt, occurrencesBetween, overlapsMaintenance } from "../../lib/maintenance/in-force.js";
import type { MaintenanceWindow, WeeklyWindow } from "../../lib/maintenance/window.js";

const at = (iso: string): Date => new Date(iso);
const weekly = (day: WeeklyWindow["day"], from: string, to: string, timeZone: string): WeeklyWindow => ({ day, from, to, timeZone });

/** Where each occurrence meeting [from, to) opens and closes, as `start/end`. */
function spans(windows: MaintenanceWindow[], from: string, to: string): string[] {
  return occurrencesBetween(windows, at(from), at(to)).map((o) => `${o.start.toISOString()}/${o.end.toISOString()}`);
}

describe("one-off windows", () => {
  const window: MaintenanceWindow = { start: "2026-12-05T22:00:00+01:00", end: "2026-12-06T02:00:00+01:00", reason: "CU15" };

  it("are in force from start (included) to end (excluded)", () => {
    expect(activeWindow([window], at("2026-12-05T20:59:59.999Z"))).toBeUndefined();
    expect(activeWindow([window], at("2026-12-05T21:00:00Z"))).toBe(window);
    expect(activeWindow([window], at("2026-12-06T00:59:59.999Z"))).toBe(window);
    expect(activeWindow([window], at("2026-12-06T01:00:00Z"))).toBeUndefined();
  });

  it("mark every hour they overlap, even by a minute", () => {
    expect(hourInMaintenance([window], at("2026-12-05T20:00:00Z"))).toBe(false);
    expect(hourInMaintenance([window], at("2026-12-05T21:00:00Z"))).toBe(true);
    expect(hourInMaintenance([window], at("2026-12-06T00:00:00Z"))).toBe(true);
    expect(hourInMaintenance([window], at("2026-12-06T01:00:00Z"))).toBe(false);
    const short: MaintenanceWindow = { start: "2026-12-06T03:50:00Z", end: "2026-12-06T04:10:00Z" };
    expect(hourInMaintenance([short], at("2026-12-06T03:00:00Z"))).toBe(true);
    expect(hourInMaintenance([short], at("2026-12-06T04:00:00Z"))).toBe(true);
    expect(hourInMaintenance([short], at("2026-12-06T05:00:00Z"))).toBe(false);
  });
});

describe("weekly windows in zones without daylight saving", () => {
  it("follow a half-hour offset", () => {
    expect(spans([weekly("monday", "09:00", "10:00", "Asia/Kolkata")], "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z")).toEqual([
      "2026-12-07T03:30:00.000Z/2026-12-07T04:30:00.000Z",
    ]);
  });
});

describe("weekly windows in UTC", () => {
  it("run across midnight into the next day when to ≤ from", () => {
    const w = weekly("sunday", "23:00", "02:00", "UTC");
    // 2026-12-06 is a Sunday.
    expect(spans([w], "2026-12-01T00:00:00Z", "2026-12-15T00:00:00Z")).toEqual([
      "2026-12-06T23:00:00.000Z/2026-12-07T02:00:00.000Z",
      "2026-12-13T23:00:00.000Z/2026-12-14T02:00:00.000Z",
    ]);
    expect(activeWindow([w], at("2026-12-07T01:59:00Z"))).toBe(w);
    expect(activeWindow([w], at("2026-12-06T01:00:00Z"))).toBeUndefined();
    expect(activeWindow([w], at("2026-12-07T23:30:00Z"))).toBeUndefined();
  });

  it("last a whole day when to equals from", () => {
    expect(spans([weekly("monday", "06:00", "06:00", "UTC")], "2026-12-07T00:00:00Z", "2026-12-08T23:00:00Z")).toEqual([
      "2026-12-07T06:00:00.000Z/2026-12-08T06:00:00.000Z",
    ]);
  });

  it("report the occurrence that ends last when two overlap", () => {
    const a = weekly("monday", "01:00", "03:00", "UTC");
    const b = weekly("monday", "02:00", "05:00", "UTC");
    expect(occurrenceAt([a, b], at("2026-12-07T02:30:00Z"))?.window).toBe(b);
    expect(occurrenceAt([a, b], at("2026-12-07T02:30:00Z"))?.end.toISOString()).toBe("2026-12-07T05:00:00.000Z");
  });
});

describe("weekly windows across midnight when the clocks change (Europe/Berlin)", () => {
  // Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  // The change happens in the small hours of Sunday, so the window that crosses it is Saturday night's.
  const saturdayNight = weekly("saturday", "23:00", "03:00", "Europe/Berlin");

  it("is an hour shorter on the night the clocks go forward", () => {
    expect(spans([saturdayNight], "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z")).toEqual([
      "2026-03-28T22:00:00.000Z/2026-03-29T01:00:00.000Z",
    ]);
  });

  it("is an hour longer on the night the clocks go back", () => {
    expect(spans([saturdayNight], "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z")).toEqual([
      "2026-10-24T21:00:00.000Z/2026-10-25T02:00:00.000Z",
    ]);
  });

  it("keeps its local times on the ordinary weeks either side", () => {
    expect(spans([saturdayNight], "2026-03-21T00:00:00Z", "2026-03-23T00:00:00Z")).toEqual(["2026-03-21T22:00:00.000Z/2026-03-22T02:00:00.000Z"]);
    expect(spans([saturdayNight], "2026-04-04T00:00:00Z", "2026-04-06T00:00:00Z")).toEqual(["2026-04-04T21:00:00.000Z/2026-04-05T01:00:00.000Z"]);
    expect(spans([saturdayNight], "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z")).toEqual(["2026-10-31T22:00:00.000Z/2026-11-01T02:00:00.000Z"]);
  });

  it("ends after the second pass when it ends inside the repeated hour", () => {
    const w = weekly("saturday", "23:00", "02:30", "Europe/Berlin");
    // 02:30 CEST is 00:30Z, 02:30 CET is 01:30Z: the window ends at the later one.
    expect(spans([w], "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z")).toEqual(["2026-10-24T21:00:00.000Z/2026-10-25T01:30:00.000Z"]);
    expect(activeWindow([w], at("2026-10-25T01:15:00Z"))).toBe(w);
    expect(activeWindow([w], at("2026-10-25T01:30:00Z"))).toBeUndefined();
  });

  it("opens at the first pass when it starts inside the repeated hour", () => {
    const w = weekly("sunday", "02:30", "04:00", "Europe/Berlin");
    expect(spans([w], "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z")).toEqual(["2026-10-25T00:30:00.000Z/2026-10-25T03:00:00.000Z"]);
  });

  it("opens when the clock jumps when it starts inside the skipped hour", () => {
    const w = weekly("sunday", "02:30", "04:00", "Europe/Berlin");
    // 02:30 never shows; 02:30 + the one-hour gap is 03:30 CEST (01:30Z).
    expect(spans([w], "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z")).toEqual(["2026-03-29T01:30:00.000Z/2026-03-29T02:00:00.000Z"]);
  });

  it("is shifted by the gap when it lies wholly inside the skipped hour", () => {
    const w = weekly("sunday", "02:10", "02:40", "Europe/Berlin");
    expect(spans([w], "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z")).toEqual(["2026-03-29T01:10:00.000Z/2026-03-29T01:40:00.000Z"]);
  });

  it("a Sunday 23:00–02:00 window on the days of the changes keeps its local times (the change was that morning)", () => {
    const sunday = weekly("sunday", "23:00", "02:00", "Europe/Berlin");
    expect(spans([sunday], "2026-03-29T00:00:00Z", "2026-03-31T00:00:00Z")).toEqual(["2026-03-29T21:00:00.000Z/2026-03-30T00:00:00.000Z"]);
    expect(spans([sunday], "2026-10-25T00:00:00Z", "2026-10-27T00:00:00Z")).toEqual(["2026-10-25T22:00:00.000Z/2026-10-26T01:00:00.000Z"]);
  });

  it("marks the UTC hours it overlaps on both nights", () => {
    const marked = (from: string) =>
      Array.from({ length: 8 }, (_, i) => new Date(at(from).getTime() + i * 3_600_000))
        .filter((h) => hourInMaintenance([saturdayNight], h))
        .map((h) => h.toISOString().slice(11, 13));
    expect(marked("2026-03-28T20:00:00Z")).toEqual(["22", "23", "00"]);
    expect(marked("2026-10-24T20:00:00Z")).toEqual(["21", "22", "23", "00", "01"]);
  });

  it("agrees with the wall clock minute by minute through both nights", () => {
    const clock = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    for (const night of ["2026-03-28T18:00:00Z", "2026-10-24T18:00:00Z"]) {
      for (let t = at(night).getTime(); t < at(night).getTime() + 12 * 3_600_000; t += 60_000) {
        const parts = Object.fromEntries(clock.formatToParts(t).map((p) => [p.type, p.value]));
        const minutes = Number(parts.hour) * 60 + Number(parts.minute);
        // The wall clock shows Saturday ≥ 23:00 or Sunday < 03:00 (and, in autumn, 02:xx twice: both inside).
        const expected = (parts.weekday === "Saturday" && minutes >= 23 * 60) || (parts.weekday === "Sunday" && minutes < 3 * 60);
        expect(activeWindow([saturdayNight], new Date(t)) !== undefined, `${new Date(t).toISOString()} (${parts.weekday} ${parts.hour}:${parts.minute})`).toBe(expected);
      }
    }
  });
});

describe("weekly windows across midnight when the clocks change (America/New_York)", () => {
  // New York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
  const saturdayNight = weekly("saturday", "23:00", "03:00", "America/New_York");

  it("is an hour shorter on the night the clocks go forward", () => {
    expect(spans([saturdayNight], "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z")).toEqual(["2026-03-08T04:00:00.000Z/2026-03-08T07:00:00.000Z"]);
    expect(activeWindow([saturdayNight], at("2026-03-08T06:59:00Z"))).toBe(saturdayNight);
    expect(activeWindow([saturdayNight], at("2026-03-08T07:00:00Z"))).toBeUndefined();
  });

  it("is an hour longer on the night the clocks go back, with both passes of 01:xx inside", () => {
    expect(spans([saturdayNight], "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z")).toEqual(["2026-11-01T03:00:00.000Z/2026-11-01T08:00:00.000Z"]);
    expect(activeWindow([saturdayNight], at("2026-11-01T05:30:00Z"))).toBe(saturdayNight); // 01:30 EDT
    expect(activeWindow([saturdayNight], at("2026-11-01T06:30:00Z"))).toBe(saturdayNight); // 01:30 EST
  });

  it("a Sunday 23:00–02:00 window after the change keeps its local times", () => {
    const sunday = weekly("sunday", "23:00", "02:00", "America/New_York");
    expect(spans([sunday], "2026-03-08T00:00:00Z", "2026-03-10T00:00:00Z")).toEqual(["2026-03-09T03:00:00.000Z/2026-03-09T06:00:00.000Z"]);
    expect(spans([sunday], "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z")).toEqual(["2026-11-02T04:00:00.000Z/2026-11-02T07:00:00.000Z"]);
  });

  it("suppresses the notifier's last 60 minutes while any of them overlaps the window", () => {
    expect(overlapsMaintenance([saturdayNight], at("2026-11-01T07:30:00Z"), at("2026-11-01T08:30:00Z"))).toBe(true);
    expect(overlapsMaintenance([saturdayNight], at("2026-11-01T08:00:00Z"), at("2026-11-01T09:00:00Z"))).toBe(false);
  });
});
