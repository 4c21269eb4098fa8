import { describe, expect, it } from "vitest";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import type { MailboxCheck } from "../../lib/model/connection.js";
import { MailboxResults } from "../../lib/recording/mailbox-results.js";
import { recentAlerts } from "../../lib/store/alerts.js";
import { readChecksForHours } from "../../lib/store/checks.js";
import { listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { enabledMailbox } from "../support/mailbox-record.js";
import { testStorage } from "../support/storage.js";

const at = new Date("2025-05-01T10:07:00Z");
const ok = (address: string): MailboxCheck => ({ address, ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" }, ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx", elapsedMs: 5 });
const denied = (address: string): MailboxCheck => ({
  address,
  ok: false,
  channels: { incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" },
  elapsedMs: 5,
  error: makeFailure("access-denied", { code: "ErrorAccessDenied", message: "no impersonation right", context: { address } }),
});

describe("recording mailbox results", () => {
  it("writes checks, alerts and mailbox records for a cycle, past one flush; each alert its own time, one record for both audiences", async () => {
    const storage = testStorage();
    const records = Array.from({ length: 130 }, (_, i) => enabledMailbox("contoso", `u${String(i).padStart(3, "0")}@contoso.com`));
    await saveMailboxes(storage, records);
    const results = new MailboxResults(storage, { profileId: "contoso", cycle: 7, alertsKeyAt: "2025-05-01T10:05:00.000Z" });
    const checkedAt = (i: number) => new Date(at.getTime() + i * 1_000);
    for (const [i, record] of records.entries()) await results.add(record, i % 10 === 0 ? denied(record.address) : ok(record.address), checkedAt(i));
    await results.finish();

    expect([results.checked, results.failed]).toEqual([130, 13]);
    expect((await readChecksForHours(storage, "contoso", ["2025050110"])).length).toBe(130);
    const stored = await listMailboxes(storage, "contoso");
    expect(stored.filter((m) => m.state === "disabled").length).toBe(13);
    expect(stored.every((m) => m.lastCycle === 7)).toBe(true);
    expect(results.merged(records)).toEqual(stored);
    const alerts = await recentAlerts(storage, "contoso", 100);
    expect(alerts.length).toBe(13);
    expect(alerts.every((a) => a.audiences.join() === "mailbox,owner")).toBe(true);
    // Each alert carries the time it was raised (its check's), not the cycle's start.
    const u010 = alerts.find((a) => a.address === "u010@contoso.com");
    expect(u010?.at).toBe(checkedAt(10).toISOString());
    expect(new Set(alerts.map((a) => a.at)).size).toBe(13);

    // A redelivered message raises the same alerts again, later: the same rows are rewritten, none added.
    const again = new MailboxResults(storage, { profileId: "contoso", cycle: 7, alertsKeyAt: "2025-05-01T10:05:00.000Z" });
    for (const [i, record] of records.entries()) if (i % 10 === 0) await again.add(record, denied(record.address), checkedAt(200 + i));
    await again.finish();
    expect((await recentAlerts(storage, "contoso", 100)).length).toBe(13);
  });

  it("writes the results in hand when told the last requests are out, once, so the end writes only the later ones", async () => {
    const storage = testStorage();
    const records = Array.from({ length: 160 }, (_, i) => enabledMailbox("contoso", `u${String(i).padStart(3, "0")}@contoso.com`));
    const results = new MailboxResults(storage, { profileId: "contoso", cycle: 3 });
    const stored = async () => (await readChecksForHours(storage, "contoso", ["2025050110"])).length;
    for (const record of records.slice(0, 150)) await results.add(record, ok(record.address), at);
    results.writeInHand();
    results.writeInHand();
    await new Promise((resolve) => setImmediate(resolve));
    // The hundred flushed on their own and the fifty in hand, before any more come or the shard ends.
    await results.flush(0);
    expect(await stored()).toBe(150);
    expect((await listMailboxes(storage, "contoso")).length).toBe(150);
    storage.requests.reset();
    for (const record of records.slice(150)) await results.add(record, ok(record.address), at);
    // Once only: the ten added since wait for the end.
    results.writeInHand();
    await new Promise((resolve) => setImmediate(resolve));
    await results.flush(0);
    expect(storage.requests.table).toBe(0);
    await results.finish();
    // The end wrote the last ten alone: one transaction for their checks, one for their records.
    expect(storage.requests.table).toBe(2);
    expect(await stored()).toBe(160);
  });

  it("outside a cycle (Test & Enable) the alerts carry the check's time and no cycle is marked", async () => {
    const storage = testStorage();
    const record = enabledMailbox("contoso", "a@contoso.com", { state: "pending-approval" });
    const results = new MailboxResults(storage, { profileId: "contoso" });
    await results.add(record, ok(record.address), at);
    await results.finish();
    const [stored] = await listMailboxes(storage, "contoso");
    expect(stored).toMatchObject({ state: "enabled", lastCheckedAt: at.toISOString() });
    expect(stored!.lastCycle).toBeUndefined();
    expect((await recentAlerts(storage, "contoso", 5)).map((a) => [a.kind, a.at])).toEqual([["mailbox-enabled", at.toISOString()]]);
  });
});
