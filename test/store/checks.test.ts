import { describe, expect, it } from "vitest";
import type { Failure } from "../../lib/model/failure.js";
import { deleteChecksBefore, readChecksForHours, recordChecks } from "../../lib/store/checks.js";
import { testStorage } from "../support/storage.js";

const denied: Failure = { category: "impersonation-denied", code: "ErrorImpersonateUserDenied", transient: false, message: "denied", remediation: "grant the role" };
const busy: Failure = { category: "server-busy", code: "ErrorServerBusy", transient: true, message: "busy", remediation: "wait" };
const ok = { ok: true } as const;

describe("checks table", () => {
  it("composes two probes of one hour without reading first", async () => {
    const storage = testStorage();
    await recordChecks(storage, "contoso", [{ address: "a@contoso.com", at: new Date("2025-05-01T10:05:00Z"), outcome: ok }]);
    storage.requests.reset();
    await recordChecks(storage, "contoso", [{ address: "a@contoso.com", at: new Date("2025-05-01T10:35:00Z"), outcome: { ok: false, failure: busy } }]);
    expect(storage.requests.table).toBe(1);
    expect(await readChecksForHours(storage, "contoso", ["2025050110"])).toEqual([
      { hour: "2025050110", address: "a@contoso.com", lastSuccessAt: "2025-05-01T10:05:00.000Z", lastFailureAt: "2025-05-01T10:35:00.000Z", lastError: busy },
    ]);
  });

  it("coalesces several results of one mailbox in one call, keeping the latest of each kind", async () => {
    const storage = testStorage();
    const sent = await recordChecks(storage, "contoso", [
      { address: "a@contoso.com", at: new Date("2025-05-01T10:40:00Z"), outcome: { ok: false, failure: denied } },
      { address: "A@contoso.com", at: new Date("2025-05-01T10:10:00Z"), outcome: { ok: false, failure: busy } },
      { address: "a@contoso.com", at: new Date("2025-05-01T10:20:00Z"), outcome: ok },
      { address: "a@contoso.com", at: new Date("2025-05-01T10:05:00Z"), outcome: ok },
    ]);
    expect(sent).toBe(1);
    const [check] = await readChecksForHours(storage, "contoso", ["2025050110"]);
    expect(check).toMatchObject({ lastSuccessAt: "2025-05-01T10:20:00.000Z", lastFailureAt: "2025-05-01T10:40:00.000Z", lastError: denied });
  });

  it("writes 250 mailboxes of one hour in 3 transactions and reads them all back", async () => {
    const storage = testStorage();
    const at = new Date("2025-05-01T11:00:00Z");
    const results = Array.from({ length: 250 }, (_, i) => ({ address: `user${i}@contoso.com`, at, outcome: ok }));
    expect(await recordChecks(storage, "contoso", results)).toBe(3);
    expect(await readChecksForHours(storage, "contoso", ["2025050111"])).toHaveLength(250);
  });

  it("reads only the hours asked for, following continuation past 1000 rows", async () => {
    const storage = testStorage();
    const results = ["10", "11", "13"].flatMap((h) =>
      Array.from({ length: 400 }, (_, i) => ({ address: `u${i}@contoso.com`, at: new Date(`2025-05-01T${h}:30:00Z`), outcome: ok })),
    );
    await recordChecks(storage, "contoso", results);
    await recordChecks(storage, "contoso-2", [{ address: "x@contoso.com", at: new Date("2025-05-01T11:00:00Z"), outcome: ok }]);
    const read = await readChecksForHours(storage, "contoso", ["2025050110", "2025050111", "2025050113", "2025050112"]);
    expect(read).toHaveLength(1200);
    expect(new Set(read.map((c) => c.hour))).toEqual(new Set(["2025050110", "2025050111", "2025050113"]));
    expect(await readChecksForHours(storage, "contoso", ["2025050111"])).toHaveLength(400);
  }, 60_000);

  it("keeps addresses that keys refuse", async () => {
    const storage = testStorage();
    const address = "odd/name#1?x@contoso.com";
    await recordChecks(storage, "contoso", [{ address, at: new Date("2025-05-01T10:00:00Z"), outcome: ok }]);
    expect((await readChecksForHours(storage, "contoso", ["2025050110"]))[0]!.address).toBe(address);
  });

  it("deletes the hours before the cutoff, per profile, and nothing newer", async () => {
    const storage = testStorage();
    const at = (h: string) => new Date(`2025-05-01T${h}:00:00Z`);
    for (const id of ["a", "a-b", "b"]) {
      await recordChecks(storage, id, ["08", "09", "10"].map((h) => ({ address: "m@x.com", at: at(h), outcome: ok })));
    }
    expect(await deleteChecksBefore(storage, "2025050110", ["a", "a-b"])).toBe(4);
    const hours = ["2025050108", "2025050109", "2025050110"];
    expect((await readChecksForHours(storage, "a", hours)).map((c) => c.hour)).toEqual(["2025050110"]);
    expect((await readChecksForHours(storage, "a-b", hours)).map((c) => c.hour)).toEqual(["2025050110"]);
    expect(await readChecksForHours(storage, "b", hours)).toHaveLength(3);
  });
});
