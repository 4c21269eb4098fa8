import { describe, expect, it } from "vitest";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { getMailbox, listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { testStorage } from "../support/storage.js";
import { enabledMailbox } from "../support/mailbox-record.js";

const base = (address: string, overrides: Partial<MailboxRecord> = {}): MailboxRecord => enabledMailbox("contoso", address, overrides);

describe("mailboxes table", () => {
  it("writes 250 mailboxes of one profile in 3 transactions and lists them all", async () => {
    const storage = testStorage();
    const records = Array.from({ length: 250 }, (_, i) => base(`u${String(i).padStart(3, "0")}@contoso.com`));
    expect(await saveMailboxes(storage, records)).toBe(3);
    expect(await listMailboxes(storage, "contoso")).toEqual(records);
  });

  it("round-trips every field, and a replace clears what the record no longer has", async () => {
    const storage = testStorage();
    const failure = { category: "server-busy", code: "ErrorServerBusy", transient: true, message: "x".repeat(50_000), remediation: "wait", retryAfterMs: 30_000 } as const;
    const full = base("a/b#c@contoso.com", {
      state: "retrying",
      channels: { incoming: "failure", outgoing: "success", appointmentsContactsTasks: "not-run" },
      consecutiveFailures: 3,
      nextAttemptAt: "2025-05-01T10:05:00.000Z",
      lastError: failure,
      lastCheckedAt: "2025-05-01T10:00:00.000Z",
      lastSuccessAt: "2025-05-01T09:00:00.000Z",
      ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
      ewsUrlDiscoveredAt: "2025-05-01T08:00:00.000Z",
    });
    await saveMailboxes(storage, [full]);
    const read = await getMailbox(storage, "contoso", "A/B#C@contoso.com");
    expect(read).toMatchObject({ ...full, lastError: { ...failure, message: expect.stringMatching(/^x+…$/) } });
    expect(read!.lastError!.message.length).toBeLessThanOrEqual(4_000);
    await saveMailboxes(storage, [base("a/b#c@contoso.com")]);
    expect(await getMailbox(storage, "contoso", "a/b#c@contoso.com")).toEqual(base("a/b#c@contoso.com"));
  });
});
