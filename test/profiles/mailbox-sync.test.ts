import { describe, expect, it } from "vitest";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { syncMailboxesFromProfile } from "../../lib/profiles/apply-mailbox-plan.js";
import { planMailboxSync } from "../../lib/profiles/mailbox-sync.js";
import { listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { enabledMailbox } from "../support/mailbox-record.js";
import { testStorage } from "../support/storage.js";

const base = (address: string, overrides: Partial<MailboxRecord> = {}): MailboxRecord => enabledMailbox("contoso", address, overrides);
const config = (address: string, approved = true, incoming = true) => ({ address, approved, incoming, outgoing: true, appointmentsContactsTasks: true });

describe("a profile file's mailboxes against the stored ones", () => {
  it("imports new mailboxes as enabled when approved and pending otherwise", () => {
    const plan = planMailboxSync([], { id: "contoso", mailboxes: [config("a@x.com"), config("b@x.com", false)] });
    expect(plan.after.map((m) => [m.address, m.state])).toEqual([["a@x.com", "enabled"], ["b@x.com", "pending-approval"]]);
    expect(plan.added).toBe(2);
  });

  it("keeps state on re-import, takes the file's flags, never re-enables a disabled mailbox", () => {
    const disabled = base("d@x.com", { state: "disabled", consecutiveFailures: 10, ewsUrl: "https://e/EWS/Exchange.asmx" });
    const retrying = base("r@x.com", { state: "retrying", consecutiveFailures: 2 });
    const pending = base("p@x.com", { state: "pending-approval", approved: false });
    const gone = base("g@x.com");
    const plan = planMailboxSync([disabled, retrying, pending, gone], {
      id: "contoso",
      mailboxes: [config("d@x.com"), config("r@x.com", true, false), config("p@x.com", true)],
    });
    const after = Object.fromEntries(plan.after.map((m) => [m.address, m]));
    expect(after["d@x.com"]).toEqual(disabled);
    expect(after["r@x.com"]).toEqual({ ...retrying, wanted: { ...retrying.wanted, incoming: false } });
    expect(after["p@x.com"]).toMatchObject({ state: "enabled", approved: true });
    expect(plan.deletes.map((m) => m.address)).toEqual(["g@x.com"]);
    expect(plan.upserts.map((m) => m.address).sort()).toEqual(["p@x.com", "r@x.com"]);
    expect(plan.unchanged).toBe(1);
  });

  it("syncs the table with a profile file: adds, updates and deletes", async () => {
    const storage = testStorage();
    await saveMailboxes(storage, [base("keep@x.com", { state: "disabled" }), base("gone@x.com")]);
    const plan = await syncMailboxesFromProfile(storage, { id: "contoso", mailboxes: [config("keep@x.com"), config("new@x.com", false)] });
    expect(plan.added).toBe(1);
    const stored = await listMailboxes(storage, "contoso");
    expect(stored.map((m) => [m.address, m.state])).toEqual([["keep@x.com", "disabled"], ["new@x.com", "pending-approval"]]);
  });
});
