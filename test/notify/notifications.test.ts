import { describe, expect, it } from "vitest";
import { claim, confirmSent, history, keepUnknown, readLedger, release, type Claim, type EmailDetails } from "../../lib/store/notifications.js";
import { testSettings, testStorage, uniqueName } from "../support/storage.js";

const t0 = new Date("2025-03-04T10:05:00Z");
const minutes = (m: number): Date => new Date(t0.getTime() + m * 60_000);
const details = (at: Date): EmailDetails => ({
  at,
  subject: "s",
  recipient: "owner@contoso.com",
  figures: { processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67 },
  window: { from: new Date(at.getTime() - 3_600_000), to: at },
});

function claimed(result: Awaited<ReturnType<typeof claim>>): Claim {
  if (result.kind !== "claimed") throw new Error(`expected a claim, got ${JSON.stringify(result)}`);
  return result;
}

describe("the notification ledger", () => {
  it("creates the ledger with the first claim and refuses another claim for 60 minutes", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const first = claimed(await claim(storage, id, t0, "a"));
    expect(first.previous).toEqual({ state: "idle", emailsSent: 0 });
    expect(await readLedger(storage, id)).toMatchObject({ state: "claimed", claimId: "a", claimedAt: t0.toISOString() });
    expect(await claim(storage, id, minutes(59.99), "b")).toEqual({ kind: "recently-sent", lastAt: t0.toISOString(), by: "claim" });
    claimed(await claim(storage, id, minutes(60), "c"));
  });

  it("records a sent email, refuses claims for 60 minutes after the send, and keeps the history newest first", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const c1 = claimed(await claim(storage, id, t0, "a"));
    const sentAt = new Date(t0.getTime() + 2_000);
    expect(await confirmSent(storage, id, c1, { ...details(sentAt), messageId: "<m1@x>" })).toMatchObject({
      kind: "recorded",
      ledger: { state: "sent", lastSentAt: sentAt.toISOString(), emailsSent: 1 },
    });
    expect(await claim(storage, id, minutes(60), "b")).toMatchObject({ kind: "recently-sent", by: "email" });
    const c2 = claimed(await claim(storage, id, new Date(sentAt.getTime() + 3_600_000), "c"));
    await confirmSent(storage, id, c2, { ...details(minutes(61)), messageId: "<m2@x>" });
    expect((await readLedger(storage, id))?.emailsSent).toBe(2);
    const rows = await history(storage, id, 10);
    expect(rows.map((r) => [r.outcome, r.outcome === "sent" ? r.messageId : "", r.claimId])).toEqual([
      ["sent", "<m2@x>", "c"],
      ["sent", "<m1@x>", "a"],
    ]);
    expect(rows[0]).toMatchObject({ recipient: "owner@contoso.com", subject: "s", figures: { processed: 15, failed: 10 } });
    expect(await history(storage, id, 1)).toHaveLength(1);
  });

  it("release restores the state before the claim, so the next run may claim at once", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const c1 = claimed(await claim(storage, id, t0, "a"));
    await confirmSent(storage, id, c1, { ...details(t0), messageId: "<m1@x>" });
    const c2 = claimed(await claim(storage, id, minutes(70), "b"));
    expect(await release(storage, id, c2)).toMatchObject({ kind: "recorded" });
    expect(await readLedger(storage, id)).toEqual({ state: "sent", claimId: "a", claimedAt: t0.toISOString(), lastSentAt: t0.toISOString(), emailsSent: 1 });
    claimed(await claim(storage, id, minutes(71), "c"));
    expect(await release(storage, id, c2)).toEqual({ kind: "ledger-changed" }); // stale: c took it since
  });

  it("keeps the claim when the outcome is unknown, and says so in the history", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const c = claimed(await claim(storage, id, t0, "a"));
    await keepUnknown(storage, id, c, { ...details(t0), error: "Timeout" });
    expect(await readLedger(storage, id)).toMatchObject({ state: "unknown", claimedAt: t0.toISOString(), emailsSent: 0 });
    expect(await claim(storage, id, minutes(30), "b")).toMatchObject({ kind: "recently-sent", by: "claim" });
    expect(await history(storage, id, 5)).toMatchObject([{ outcome: "unknown", error: "Timeout" }]);
  });

  it.each(["absent", "present"])("lets exactly one of eight racing claims win (ledger %s)", async (ledger) => {
    const settings = testSettings();
    const storage = testStorage(settings);
    const id = uniqueName("p");
    if (ledger === "present") await release(storage, id, claimed(await claim(storage, id, minutes(-120), "old")));
    // eight clients of the same tables, as eight instances of the app would have
    const storages = Array.from({ length: 8 }, () => testStorage(settings));
    const results = await Promise.all(storages.map((s, i) => claim(s, id, t0, `r${i}`)));
    expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
    expect(results.every((r) => ["claimed", "recently-sent", "lost-race"].includes(r.kind))).toBe(true);
  });
});

