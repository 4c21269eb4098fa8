import { describe, expect, it } from "vitest";
import { claim, confirmSent, history, keepUncertain, readLedger, readLedgerForUpdate, recordStory, release, type Claim, type EmailDetails } from "../../lib/store/notifications.js";
import { testSettings, testStorage, uniqueName } from "../support/storage.js";

const t0 = new Date("2025-03-04T10:05:00Z");
const minutes = (m: number): Date => new Date(t0.getTime() + m * 60_000);
const open = { alertOpen: true, staleNotified: false };
const details = (at: Date): EmailDetails & { story: typeof open } => ({
  at,
  kind: "alert",
  story: open,
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
    expect(first.previous).toEqual({ state: "idle", emailsSent: 0, story: { alertOpen: false, staleNotified: false }, outcomes: { sent: 0, refused: 0, uncertain: 0 } });
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

  it("release restores the state before the claim (the next run may claim at once), counting the refusal as the last attempt", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const c1 = claimed(await claim(storage, id, t0, "a"));
    await confirmSent(storage, id, c1, { ...details(t0), messageId: "<m1@x>" });
    const c2 = claimed(await claim(storage, id, minutes(70), "b"));
    expect(await release(storage, id, c2, { ...details(minutes(70)), kind: "reminder", reason: "451 Mailbox unavailable" })).toMatchObject({ kind: "recorded" });
    expect(await readLedger(storage, id)).toEqual({
      state: "sent",
      claimId: "a",
      claimedAt: t0.toISOString(),
      lastSentAt: t0.toISOString(),
      emailsSent: 1,
      story: { alertOpen: true, staleNotified: false, lastEmail: { kind: "alert", at: t0.toISOString() } },
      outcomes: { sent: 1, refused: 1, uncertain: 0 },
      lastAttempt: { at: minutes(70).toISOString(), kind: "reminder", outcome: "refused", reason: "451 Mailbox unavailable" },
    });
    expect(await history(storage, id, 5)).toMatchObject([
      { outcome: "refused", kind: "reminder", reason: "451 Mailbox unavailable" },
      { outcome: "sent", kind: "alert" },
    ]);
    claimed(await claim(storage, id, minutes(71), "c"));
    expect(await release(storage, id, c2, { ...details(minutes(71)), reason: "x" })).toEqual({ kind: "ledger-changed" }); // stale: c took it since
  });

  it("counts an uncertain send as told (no other email for 60 minutes from its end), and says so in the history", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const c = claimed(await claim(storage, id, t0, "a"));
    await keepUncertain(storage, id, c, { ...details(minutes(2)), reason: "Timeout" });
    expect(await readLedger(storage, id)).toMatchObject({
      state: "unknown",
      claimedAt: t0.toISOString(),
      emailsSent: 0,
      story: { alertOpen: true, lastEmail: { kind: "alert", at: minutes(2).toISOString() } },
      outcomes: { sent: 0, refused: 0, uncertain: 1 },
      lastAttempt: { outcome: "uncertain", reason: "Timeout" },
    });
    expect(await claim(storage, id, minutes(61), "b")).toMatchObject({ kind: "recently-sent", by: "email", lastAt: minutes(2).toISOString() });
    expect(await history(storage, id, 5)).toMatchObject([{ outcome: "uncertain", reason: "Timeout", kind: "alert" }]);
  });

  it("claims only on the ledger the run decided on: any write since loses the race", async () => {
    const storage = testStorage();
    const id = uniqueName("p");
    const basis = await readLedgerForUpdate(storage, id);
    expect(await recordStory(storage, id, basis, { alertOpen: false, staleNotified: true })).toMatchObject({ kind: "recorded" });
    expect(await claim(storage, id, t0, "late", basis)).toEqual({ kind: "lost-race" }); // absent when read, created since
    const now = await readLedgerForUpdate(storage, id);
    expect(await recordStory(storage, id, now, { alertOpen: false, staleNotified: false })).toMatchObject({ kind: "recorded" });
    expect(await claim(storage, id, t0, "late", now)).toEqual({ kind: "lost-race" }); // its ETag changed since
    claimed(await claim(storage, id, t0, "fresh", await readLedgerForUpdate(storage, id)));
  });

  it.each(["absent", "present"])("lets exactly one of eight racing claims win (ledger %s)", async (ledger) => {
    const settings = testSettings();
    const storage = testStorage(settings);
    const id = uniqueName("p");
    if (ledger === "present") await release(storage, id, claimed(await claim(storage, id, minutes(-120), "old")), { ...details(minutes(-120)), reason: "refused" });
    // eight clients of the same tables, as eight instances of the app would have
    const storages = Array.from({ length: 8 }, () => testStorage(settings));
    const results = await Promise.all(storages.map((s, i) => claim(s, id, t0, `r${i}`)));
    expect(results.filter((r) => r.kind === "claimed")).toHaveLength(1);
    expect(results.every((r) => ["claimed", "recently-sent", "lost-race"].includes(r.kind))).toBe(true);
  });
});

