import { describe, expect, it } from "vitest";
import type { Failure } from "../../lib/model/failure.js";
import type { HourCheck } from "../../lib/model/mailbox.js";
import { failingMailboxes, hourlyRow, shouldNotify, windowFigures } from "../../lib/cycle/window.js";

const to = new Date("2025-03-04T10:05:00Z");
const from = new Date("2025-03-04T09:05:00Z");
const at = (hhmm: string, day = "2025-03-04"): string => `${day}T${hhmm}:00.000Z`;
const error = (message: string): Failure => ({ category: "auth-failed", code: "401", transient: false, message, remediation: "fix it" });

/** `failed` mailboxes whose only try in the window failed, the rest succeeded. */
function population(processed: number, failed: number): HourCheck[] {
  return Array.from({ length: processed }, (_, i): HourCheck =>
    i < failed ? { address: `m${i}@contoso.com`, lastFailureAt: at("09:30"), lastError: error("no") } : { address: `m${i}@contoso.com`, lastSuccessAt: at("09:30") },
  );
}

describe("the documentation's worked examples and the strict threshold", () => {
  it.each([
    [15, 10, true, 66.67],
    [40, 30, true, 75],
    [1000, 300, false, 30],
    [10, 5, false, 50],
    [2, 1, false, 50],
    [1001, 501, true, 50.05],
    [3, 2, true, 66.67],
    [1, 1, true, 100],
  ])("%i processed, %i failed → send %s", (processed, failed, send, percent) => {
    const figures = windowFigures(population(processed, failed), from, to);
    expect(figures).toEqual({ processed, failed, succeeded: processed - failed, failurePercent: percent });
    expect(shouldNotify(figures)).toBe(send);
  });

  it("sends nothing when nothing was processed", () => {
    const figures = windowFigures([], from, to);
    expect(figures).toEqual({ processed: 0, failed: 0, succeeded: 0, failurePercent: 0 });
    expect(shouldNotify(figures)).toBe(false);
    expect(shouldNotify({ processed: 0, failed: 1 })).toBe(false);
  });
});

describe("windowFigures", () => {
  it("does not count a mailbox that failed and then succeeded in the window", () => {
    const checks: HourCheck[] = [{ address: "a@contoso.com", lastFailureAt: at("09:10"), lastSuccessAt: at("09:40") }];
    expect(windowFigures(checks, from, to)).toMatchObject({ processed: 1, failed: 0, succeeded: 1 });
  });

  it("counts as failed a mailbox whose success was before the window and whose failure is in it", () => {
    const checks: HourCheck[] = [{ address: "a@contoso.com", lastSuccessAt: at("09:01"), lastFailureAt: at("09:50") }];
    expect(windowFigures(checks, from, to)).toMatchObject({ processed: 1, failed: 1 });
  });

  it("ignores tries outside [from, to): before from, and at to", () => {
    const checks: HourCheck[] = [
      { address: "old@contoso.com", lastFailureAt: at("09:04") },
      { address: "edge@contoso.com", lastFailureAt: at("10:05") },
      { address: "first@contoso.com", lastFailureAt: at("09:05") },
    ];
    expect(windowFigures(checks, from, to)).toMatchObject({ processed: 1, failed: 1 });
  });

  it("merges one mailbox present in two hour partitions (case-insensitively)", () => {
    const checks: HourCheck[] = [
      // hour 09: failed at 09:50 (in the window)
      { address: "a@contoso.com", lastFailureAt: at("09:50") },
      // hour 10: succeeded at 10:01 → not failed over the window
      { address: "A@Contoso.com", lastSuccessAt: at("10:01") },
      // b failed in both hours → one failed mailbox, not two
      { address: "b@contoso.com", lastFailureAt: at("09:20") },
      { address: "b@contoso.com", lastFailureAt: at("10:02") },
      // c succeeded in hour 09 but before the window, failed in hour 10 → failed
      { address: "c@contoso.com", lastSuccessAt: at("09:02") },
      { address: "c@contoso.com", lastFailureAt: at("10:03") },
    ];
    expect(windowFigures(checks, from, to)).toEqual({ processed: 3, failed: 2, succeeded: 1, failurePercent: 66.67 });
  });
});

describe("failingMailboxes", () => {
  it("lists failed mailboxes with their latest error, most recent first", () => {
    const checks: HourCheck[] = [
      { address: "b@contoso.com", lastFailureAt: at("09:20"), lastError: error("older") },
      { address: "b@contoso.com", lastFailureAt: at("10:02"), lastError: error("newer") },
      { address: "a@contoso.com", lastFailureAt: at("09:30"), lastError: error("a") },
      { address: "ok@contoso.com", lastFailureAt: at("09:30"), lastSuccessAt: at("09:35") },
    ];
    const failing = failingMailboxes(checks, from, to);
    expect(failing.map((f) => [f.address, f.lastError?.message, f.lastFailureAt])).toEqual([
      ["b@contoso.com", "newer", at("10:02")],
      ["a@contoso.com", "a", at("09:30")],
    ]);
  });
});

describe("hourlyRow", () => {
  it("figures one clock hour from its checks", () => {
    const checks: HourCheck[] = [
      { address: "a@contoso.com", lastFailureAt: at("09:10") },
      { address: "b@contoso.com", lastFailureAt: at("09:10"), lastSuccessAt: at("09:59") },
      { address: "c@contoso.com", lastSuccessAt: at("09:00") },
    ];
    expect(hourlyRow(checks, "2025030409")).toEqual({ hour: "2025030409", processed: 3, failed: 1, succeeded: 2, failurePercent: 33.33 });
  });

  it("refuses a malformed hour key", () => {
    expect(() => hourlyRow([], "2025-03-04")).toThrow(/hour key/);
  });
});
