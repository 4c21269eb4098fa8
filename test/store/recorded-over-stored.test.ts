import { describe, expect, it } from "vitest";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import { RecordedOverStored, type CheckResult, type StoredHourCheck } from "../../lib/store/checks.js";

const busy = makeFailure("server-busy", { code: "ErrorServerBusy", message: "busy" });
const byKey = (rows: StoredHourCheck[]) => Object.fromEntries(rows.map((r) => [`${r.hour}/${r.address}`, r]));

describe("results recorded over the rows read (what the checks table holds, without reading it again)", () => {
  const stored: StoredHourCheck[] = [
    { hour: "2026113009", address: "a@contoso.com", lastSuccessAt: "2026-11-30T09:40:00.000Z" },
    { hour: "2026113010", address: "a@contoso.com", lastSuccessAt: "2026-11-30T10:05:00.000Z" },
    { hour: "2026113010", address: "b@contoso.com", lastFailureAt: "2026-11-30T10:05:00.000Z", lastError: busy },
  ];
  const results: CheckResult[] = [
    { address: "A@contoso.com", at: new Date("2026-11-30T10:11:00.000Z"), outcome: { ok: false, failure: busy } },
    { address: "b@contoso.com", at: new Date("2026-11-30T10:11:01.000Z"), outcome: { ok: true } },
    { address: "c@contoso.com", at: new Date("2026-11-30T10:11:02.000Z"), outcome: { ok: true } },
  ];

  it("replaces only the columns a result sets, keeps the other hours' rows, and adds new mailboxes", () => {
    const rows = byKey(new RecordedOverStored(stored, results).rows());
    expect(rows["2026113009/a@contoso.com"]).toEqual(stored[0]);
    expect(rows["2026113010/a@contoso.com"]).toEqual({ hour: "2026113010", address: "a@contoso.com", lastSuccessAt: "2026-11-30T10:05:00.000Z", lastFailureAt: "2026-11-30T10:11:00.000Z", lastError: busy });
    expect(rows["2026113010/b@contoso.com"]).toMatchObject({ lastSuccessAt: "2026-11-30T10:11:01.000Z", lastFailureAt: "2026-11-30T10:05:00.000Z" });
    expect(rows["2026113010/c@contoso.com"]).toEqual({ hour: "2026113010", address: "c@contoso.com", lastSuccessAt: "2026-11-30T10:11:02.000Z" });
    expect(Object.keys(rows)).toHaveLength(4);
  });

  it("gives the same rows however the results were coalesced along the way, and leaves the rows read as they were", () => {
    const before = structuredClone(stored);
    const recorded: CheckResult[] = [];
    const folding = new RecordedOverStored(stored, recorded);
    recorded.push(results[0]!, { address: "c@contoso.com", at: new Date("2026-11-30T10:11:05.000Z"), outcome: { ok: true } });
    folding.catchUp();
    // The same mailbox again, at an earlier instant (a clock set back): the latest success still wins.
    recorded.push(results[1]!, results[2]!);
    folding.catchUp();
    folding.catchUp();
    const rows = byKey(folding.rows());
    expect(rows["2026113010/c@contoso.com"]).toEqual({ hour: "2026113010", address: "c@contoso.com", lastSuccessAt: "2026-11-30T10:11:05.000Z" });
    expect(rows["2026113010/a@contoso.com"]).toMatchObject({ lastSuccessAt: "2026-11-30T10:05:00.000Z", lastFailureAt: "2026-11-30T10:11:00.000Z" });
    expect(rows["2026113010/b@contoso.com"]).toMatchObject({ lastSuccessAt: "2026-11-30T10:11:01.000Z" });
    // Coalesced in one go, the same rows.
    expect(rows).toEqual(byKey(new RecordedOverStored(stored, [...recorded]).rows()));
    // A result added after the last catch-up is in the rows asked for next.
    recorded.push({ address: "d@contoso.com", at: new Date("2026-11-30T10:12:00.000Z"), outcome: { ok: true } });
    expect(byKey(folding.rows())["2026113010/d@contoso.com"]).toMatchObject({ lastSuccessAt: "2026-11-30T10:12:00.000Z" });
    expect(stored).toEqual(before);
  });
});
