import { describe, expect, it } from "vitest";
import { importProfile } from "../lib/profiles/import.js";
import { applyRetention } from "../lib/retention.js";
import { makeFailure } from "../lib/diagnosis/failure.js";
import { recentAlerts, recordAlerts } from "../lib/store/alerts.js";
import { readChecksForHours, recordChecks } from "../lib/store/checks.js";
import { latestTestConnections, recordTestConnection } from "../lib/store/connection.js";
import { readHourly, upsertHourly } from "../lib/store/hourly.js";
import { hourKey } from "../lib/store/keys.js";
import { claim, confirmSent, history, readLedger } from "../lib/store/notifications.js";
import { contosoProfile } from "./support/cycle-org.js";
import { testStorage } from "./support/storage.js";

const day = 24 * 60 * 60_000;

describe("retention", () => {
  it("deletes checks after 7 days and history after 30, keeping everything newer", async () => {
    const storage = testStorage();
    expect((await importProfile(storage, contosoProfile())).ok).toBe(true);
    const now = new Date("2026-11-24T10:30:00Z");
    const ago = (days: number) => new Date(now.getTime() - days * day);
    const failure = makeFailure("timeout", { code: "UND_ERR_HEADERS_TIMEOUT", message: "no answer" });
    await recordChecks(storage, "contoso", [
      { address: "alice@contoso.com", at: ago(8), outcome: { ok: true } },
      { address: "alice@contoso.com", at: ago(6), outcome: { ok: false, failure } },
    ]);
    for (const days of [31, 29]) {
      await upsertHourly(storage, "contoso", { hour: hourKey(ago(days)), processed: 1, failed: 0, succeeded: 1, failurePercent: 0 });
      await recordTestConnection(storage, "contoso", { profile: "contoso", ok: true, elapsedMs: 1, steps: [], mailboxes: [], certificates: [] }, ago(days));
      await recordAlerts(storage, [{ profileId: "contoso", at: ago(days).toISOString(), kind: "mailbox-recovered", audiences: ["mailbox"], address: "alice@contoso.com", message: `${days} days ago` }]);
    }

    for (const days of [31, 29]) {
      const at = ago(days);
      const claimed = await claim(storage, "contoso", at, `claim-${days}`);
      if (claimed.kind !== "claimed") throw new Error(claimed.kind);
      const figures = { processed: 2, failed: 2, succeeded: 0, failurePercent: 100 };
      await confirmSent(storage, "contoso", claimed, { at, kind: "alert", story: { alertOpen: true, staleNotified: false }, subject: `${days} days ago`, recipient: "admin@contoso.com", figures, window: { from: at, to: at }, messageId: `<${days}@x>` });
    }

    const deleted = await applyRetention(storage, { checksRetentionDays: 7, historyRetentionDays: 30 }, now);
    expect(deleted).toEqual({ checks: 1, hourly: 1, connectionRuns: 1, alerts: 1, emails: 1, errors: [] });
    expect((await history(storage, "contoso", 10)).map((h) => h.subject)).toEqual(["29 days ago"]);
    expect((await readLedger(storage, "contoso"))?.state).toBe("sent");
    const checks = await readChecksForHours(storage, "contoso", [hourKey(ago(8)), hourKey(ago(6))]);
    expect(checks.map((c) => c.hour)).toEqual([hourKey(ago(6))]);
    expect((await readHourly(storage, "contoso", "2026010100")).map((r) => r.hour)).toEqual([hourKey(ago(29))]);
    expect((await latestTestConnections(storage, "contoso", 10)).map((r) => r.at)).toEqual([ago(29).toISOString()]);
    expect((await recentAlerts(storage, "contoso", 10)).map((a) => a.message)).toEqual(["29 days ago"]);
  });
});
