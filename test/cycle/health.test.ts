import { describe, expect, it } from "vitest";
import { healthOf, type HealthInput } from "../../lib/cycle/health.js";

const base: HealthInput = { lastHour: { processed: 10, failed: 0 }, lastTestConnection: { ok: true }, disabledMailboxes: 0, minCertDaysLeft: 200 };

describe("healthOf", () => {
  it.each<[string, Partial<HealthInput>, string]>([
    ["all good", {}, "ok"],
    ["Test Connection failed", { lastTestConnection: { ok: false } }, "failing"],
    ["more than half failed", { lastHour: { processed: 10, failed: 6 } }, "failing"],
    ["exactly half failed", { lastHour: { processed: 10, failed: 5 } }, "degraded"],
    ["one failure", { lastHour: { processed: 10, failed: 1 } }, "degraded"],
    ["a disabled mailbox", { disabledMailboxes: 1 }, "degraded"],
    ["a certificate expiring in 14 days", { minCertDaysLeft: 14 }, "degraded"],
    ["a certificate expiring in 15 days", { minCertDaysLeft: 15 }, "ok"],
    ["an expired certificate", { minCertDaysLeft: -3 }, "degraded"],
    ["nothing processed, never tested", { lastHour: { processed: 0, failed: 0 }, lastTestConnection: undefined, minCertDaysLeft: undefined }, "unknown"],
    ["nothing processed, tested", { lastHour: { processed: 0, failed: 0 } }, "ok"],
    ["nothing processed, never tested, but disabled mailboxes", { lastHour: { processed: 0, failed: 0 }, lastTestConnection: undefined, disabledMailboxes: 2 }, "degraded"],
  ])("%s → %s", (_, change, health) => {
    expect(healthOf({ ...base, ...change })).toBe(health);
  });
});
