import { describe, expect, it } from "vitest";
import { listAllSummaries, listSummaries, mergeSummary, readSummary, unknownSummary, writeSummary } from "../../lib/store/summaries.js";
import { checkedReadiness } from "../support/readiness.js";
import { testStorage } from "../support/storage.js";

const identity = (id: string) => ({ id, name: `Profile ${id}`, owner: "admin@contoso.com", serverType: "exchange-server" });
const now = new Date("2025-05-01T10:00:00Z");

describe("summaries table", () => {
  it("writes, merges and reads one profile's summary", async () => {
    const storage = testStorage();
    const summary = unknownSummary(identity("contoso"), now);
    await writeSummary(storage, summary);
    expect(await readSummary(storage, "contoso")).toEqual(summary);
    const steps = [{ step: "autodiscover" as const, ok: false as const, elapsedMs: 12, error: { category: "timeout" as const, code: "ETIMEDOUT", transient: true, message: "m".repeat(9_000), remediation: "r" } }];
    expect(await mergeSummary(storage, "contoso", { health: "failing", lastTestConnection: { at: now.toISOString(), ok: false, elapsedMs: 12, steps }, emailsSent: 2 })).toBe("merged");
    const merged = await readSummary(storage, "contoso");
    expect(merged).toMatchObject({ name: "Profile contoso", health: "failing", emailsSent: 2 });
    expect((merged!.lastTestConnection!.steps[0] as { error: { message: string } }).error.message.length).toBeLessThanOrEqual(4_000);
  });

  it("keeps a profile's readiness through a merge of other fields", async () => {
    const storage = testStorage();
    await writeSummary(storage, unknownSummary(identity("fabrikam"), now));
    const readiness = checkedReadiness({ checkedAt: now.toISOString() });
    expect(await mergeSummary(storage, "fabrikam", { readiness })).toBe("merged");
    await mergeSummary(storage, "fabrikam", { health: "ok" });
    expect((await readSummary(storage, "fabrikam"))!.readiness).toEqual(readiness);
  });

  it("does not create a summary by merging into a deleted profile", async () => {
    const storage = testStorage();
    expect(await mergeSummary(storage, "gone", { health: "ok" })).toBe("not-found");
    expect(await readSummary(storage, "gone")).toBeUndefined();
  });

  it("reads every profile's status with one request per 1000 profiles", async () => {
    const storage = testStorage();
    const ids = Array.from({ length: 1500 }, (_, i) => `p${String(i).padStart(4, "0")}`);
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((id) => writeSummary(storage, unknownSummary(identity(id), now))));
    storage.requests.reset();
    const all = await listAllSummaries(storage);
    expect(storage.requests.table).toBe(2);
    expect(all.map((s) => s.profileId)).toEqual(ids);
    const page = await listSummaries(storage, { top: 10 });
    expect(page.summaries).toHaveLength(10);
    const next = await listSummaries(storage, { top: 10, continuationToken: page.continuationToken! });
    expect(next.summaries[0]!.profileId).toBe("p0010");
  }, 60_000);
});
