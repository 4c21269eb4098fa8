import { describe, expect, it } from "vitest";
import type { AlertRecord } from "../../lib/model/alert.js";
import type { TestConnectionReport } from "../../lib/model/connection.js";
import { deleteAlertsBefore, recentAlerts, recordAlerts } from "../../lib/store/alerts.js";
import { deleteConnectionRunsBefore, latestTestConnections, recordTestConnection } from "../../lib/store/connection.js";
import { readHourly, upsertHourly } from "../../lib/store/hourly.js";
import { testStorage } from "../support/storage.js";

const report = (ok: boolean, elapsedMs: number): TestConnectionReport => ({
  profile: "contoso",
  ok,
  elapsedMs,
  steps: [
    { step: "autodiscover", ok: true, elapsedMs: 5, url: "https://autodiscover.contoso.com/autodiscover/autodiscover.xml" },
    ok ? { step: "ews", ok: true, elapsedMs: 5 } : { step: "ews", ok: false, elapsedMs: 5, error: { category: "auth-failed", code: "401", transient: false, message: "no", remediation: "fix" } },
    ok ? { step: "mailbox", ok: true, elapsedMs: 5 } : { step: "mailbox", ok: null, elapsedMs: 0 },
  ],
  mailboxes: [],
  certificates: [{ host: "mail.contoso.com", trusted: true, namesMatch: true, daysLeft: 200 }],
  server: { build: "15.1.2507.6", product: "Exchange Server 2016" },
});

describe("hourly, connection and alerts tables", () => {
  it("replaces an hour's figures and reads them from an hour on", async () => {
    const storage = testStorage();
    await upsertHourly(storage, "contoso", { hour: "2025050109", processed: 1, failed: 1, succeeded: 0, failurePercent: 100 });
    await upsertHourly(storage, "contoso", { hour: "2025050110", processed: 15, failed: 9, succeeded: 6, failurePercent: 60 });
    await upsertHourly(storage, "contoso", { hour: "2025050110", processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67 });
    expect(await readHourly(storage, "contoso", "2025050110")).toEqual([{ hour: "2025050110", processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67 }]);
    expect(await readHourly(storage, "contoso", "2025050100")).toHaveLength(2);
  });

  it("keeps Test Connection runs newest first and deletes the old ones", async () => {
    const storage = testStorage();
    const times = ["2025-04-01T10:00:00Z", "2025-05-01T10:00:00Z", "2025-05-01T10:05:00Z"].map((t) => new Date(t));
    for (const [i, at] of times.entries()) await recordTestConnection(storage, "contoso", report(i !== 1, i), at);
    const latest = await latestTestConnections(storage, "contoso", 2);
    expect(latest.map((r) => r.at)).toEqual(["2025-05-01T10:05:00.000Z", "2025-05-01T10:00:00.000Z"]);
    expect(latest[1]!.report).toEqual(report(false, 1));
    expect(await deleteConnectionRunsBefore(storage, new Date("2025-04-15T00:00:00Z"), ["contoso"])).toBe(1);
    expect(await latestTestConnections(storage, "contoso", 10)).toHaveLength(2);
  });

  it("records alerts in batches, newest first, and writes a repeated alert once", async () => {
    const storage = testStorage();
    const alert = (at: string, address: string): AlertRecord => ({ profileId: "contoso", at, kind: "mailbox-disabled", audiences: ["mailbox"], address, message: `${address} disabled` });
    const alerts = Array.from({ length: 150 }, (_, i) => alert("2025-05-01T10:00:00.000Z", `u${i}@contoso.com`));
    expect(await recordAlerts(storage, [...alerts, alert("2025-04-01T10:00:00.000Z", "old@contoso.com")])).toBe(2);
    await recordAlerts(storage, alerts.slice(0, 10));
    const newest = alert("2025-05-01T11:00:00.000Z", "new@contoso.com");
    await recordAlerts(storage, [{ ...newest, failure: { category: "auth-failed", code: "401", transient: false, message: "m", remediation: "r" } }]);
    const recent = await recentAlerts(storage, "contoso", 200);
    expect(recent).toHaveLength(152);
    expect(recent[0]).toMatchObject({ address: "new@contoso.com", failure: { code: "401" } });
    expect(recent[151]!.address).toBe("old@contoso.com");
    expect(await deleteAlertsBefore(storage, new Date("2025-04-15T00:00:00Z"), ["contoso"])).toBe(1);
  });
});
