import { afterEach, describe, expect, it } from "vitest";
import type { AlertRecord } from "../../lib/model/alert.js";
import { recordAlerts } from "../../lib/store/alerts.js";
import { saveMailboxes } from "../../lib/store/mailboxes.js";
import { newestFirstKey } from "../../lib/store/keys.js";
import { failure, mailbox, seedSummaries, startStatusHost, summary, t0, type StatusHost } from "./fixtures.js";

let app: StatusHost | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

type Capped = { total: number; truncated: boolean; items: Record<string, unknown>[] };
type DetailBody = {
  profile: Record<string, unknown>;
  failingMailboxes: Capped;
  mailboxes: Capped & { counts: Record<string, number> };
  recentAlerts: Record<string, unknown>[];
};

const alert = (i: number): AlertRecord => ({
  profileId: "contoso",
  at: new Date(t0.getTime() - i * 60_000).toISOString(),
  kind: "mailbox-disabled",
  audiences: ["owner"],
  address: `u${i}@contoso.com`,
  message: `alert ${i}`,
  failure: failure(),
});

describe("GET /api/status/{profileId}", () => {
  it("shows the profile, its failing mailboxes with their diagnosis, mailbox states and the 20 newest alerts", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, [summary("contoso"), summary("other")]);
    const busy = failure({ category: "server-busy", code: "ErrorServerBusy", transient: true, message: "busy", remediation: "wait" });
    await saveMailboxes(app.context.storage, [
      mailbox("contoso", "ok@contoso.com"),
      mailbox("contoso", "retry@contoso.com", { state: "retrying", consecutiveFailures: 2, lastError: busy, nextAttemptAt: "2025-05-01T10:35:00.000Z", lastCheckedAt: "2025-05-01T10:29:00.000Z", lastSuccessAt: "2025-05-01T09:00:00.000Z" }),
      mailbox("contoso", "gone@contoso.com", { state: "disabled", disabledReason: failure(), lastError: failure(), lastSuccessAt: undefined, lastCheckedAt: "2025-05-01T10:10:00.000Z" }),
      mailbox("contoso", "once@contoso.com", { state: "enabled", consecutiveFailures: 1, lastError: failure({ category: "timeout", code: "ETIMEDOUT", transient: true }) }),
      mailbox("contoso", "new@contoso.com", { state: "pending-approval", approved: false, lastCheckedAt: undefined, lastSuccessAt: undefined }),
      mailbox("other", "x@other.com", { state: "disabled", lastError: failure() }),
    ]);
    await recordAlerts(app.context.storage, Array.from({ length: 25 }, (_, i) => alert(i)));

    const response = await app.get("status/contoso");
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toMatch(/^"/);
    const body = (await response.json()) as DetailBody;
    expect(body.profile).toMatchObject({ profileId: "contoso", health: "ok", certificates: { minDaysLeft: 30 }, emailsSent: 3 });
    expect((body.profile.hourly as unknown[]).length).toBe(24);

    expect(body.failingMailboxes).toMatchObject({ total: 3, truncated: false });
    expect(body.failingMailboxes.items.map((m) => m.address)).toEqual(["retry@contoso.com", "once@contoso.com", "gone@contoso.com"]);
    expect(body.failingMailboxes.items[0]).toEqual({
      address: "retry@contoso.com",
      state: "retrying",
      approved: true,
      channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" },
      consecutiveFailures: 2,
      lastCheckedAt: "2025-05-01T10:29:00.000Z",
      lastSuccessAt: "2025-05-01T09:00:00.000Z",
      nextAttemptAt: "2025-05-01T10:35:00.000Z",
      diagnosis: { category: "server-busy", code: "ErrorServerBusy", message: "busy", remediation: "wait", transient: true },
      failingAfter: "2025-05-01T09:00:00.000Z",
    });
    expect(body.failingMailboxes.items[2]).toMatchObject({ state: "disabled", failingAfter: null, diagnosis: { category: "auth-failed", transient: false } });

    expect(body.mailboxes).toMatchObject({ total: 5, truncated: false, counts: { "pending-approval": 1, enabled: 2, retrying: 1, disabled: 1 } });
    expect(body.mailboxes.items.map((m) => m.address)).toEqual(["gone@contoso.com", "new@contoso.com", "ok@contoso.com", "once@contoso.com", "retry@contoso.com"]);

    expect(body.recentAlerts).toHaveLength(20);
    expect(body.recentAlerts[0]).toMatchObject({ message: "alert 0", kind: "mailbox-disabled", address: "u0@contoso.com", diagnosis: { category: "auth-failed" } });
    expect(body.recentAlerts[19]).toMatchObject({ message: "alert 19" });
  });

  it("caps the mailbox lists at 500 and says they are truncated", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, [summary("big")]);
    const records = Array.from({ length: 1200 }, (_, i) =>
      mailbox("big", `u${String(i).padStart(4, "0")}@big.com`, i % 2 === 0 ? { state: "disabled", lastError: failure() } : {}),
    );
    await saveMailboxes(app.context.storage, records);
    const body = (await (await app.get("status/big")).json()) as DetailBody;
    expect(body.mailboxes).toMatchObject({ total: 1200, truncated: true, counts: { enabled: 600, disabled: 600 } });
    expect(body.mailboxes.items).toHaveLength(500);
    expect(body.failingMailboxes).toMatchObject({ total: 600, truncated: true });
    expect(body.failingMailboxes.items).toHaveLength(500);
  }, 60_000);

  it("answers 404 for an unknown id and 400 with the reason for a malformed one, before any table call", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, [summary("contoso")]);
    app.context.storage.requests.reset();
    for (const id of ["Bad_Id", "x%27%20or%20PartitionKey%20ne%20%27", "-dash", "a".repeat(64)]) {
      const response = await app.get(`status/${id}`);
      expect(response.status, id).toBe(400);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toMatchObject({ error: { code: "invalid-profile-id", details: [{ field: "profileId", message: expect.stringMatching(/lower-case/) }] } });
    }
    expect(app.context.storage.requests.table).toBe(0);
    const missing = await app.get("status/nobody");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "profile-not-found", message: "No profile nobody" } });
    expect(app.context.storage.requests.table).toBe(1);
  });

  it("serves one profile from cache within a period (304 on its ETag), and reads it again after the TTL", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "5" });
    await seedSummaries(app.context, [summary("contoso")]);
    await saveMailboxes(app.context.storage, [mailbox("contoso", "a@contoso.com")]);
    await recordAlerts(app.context.storage, [alert(1)]);
    await app.context.storage.table("profiles"); // made on first use: not the endpoint's cost
    app.context.storage.requests.reset();
    const responses = await Promise.all(Array.from({ length: 50 }, () => app!.get("status/contoso")));
    const etags = new Set(responses.map((r) => r.headers.get("etag")));
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(etags.size).toBe(1);
    // The summary, then its mailboxes, alerts and settings (for staleness) in parallel.
    expect(app.context.storage.requests.table).toBe(4);
    const etag = [...etags][0]!;
    expect((await app.get("status/contoso", { "if-none-match": etag })).status).toBe(304);
    expect(responses[0]!.headers.get("cache-control")).toBe("private, max-age=5");

    await saveMailboxes(app.context.storage, [mailbox("contoso", "a@contoso.com", { state: "disabled", lastError: failure() })]);
    app.context.storage.requests.reset();
    app.clock.now = new Date(t0.getTime() + 6_000);
    const fresh = await app.get("status/contoso", { "if-none-match": etag });
    expect(fresh.status).toBe(200);
    expect(((await fresh.json()) as DetailBody).failingMailboxes.total).toBe(1);
    expect(app.context.storage.requests.table).toBe(4);
  });

  it("shows each alert once with all its audiences and its own time, also from rows written one per audience before", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, [summary("contoso")]);
    // Today: one record for both audiences, raised at the check's time (10:21), filed under the cycle's time (10:20).
    await recordAlerts(app.context.storage, [{ ...alert(0), at: "2025-05-01T10:21:07.000Z", address: "new@contoso.com", audiences: ["mailbox", "owner"] }], "2025-05-01T10:20:00.000Z");
    // Before: two rows, one per audience, of one event.
    const table = await app.context.storage.table("alerts");
    for (const [audience, suffix] of [["mailbox", "_aaaaaaaa"], ["owner", "_bbbbbbbb"]] as const) {
      await table.createEntity({ partitionKey: "contoso", rowKey: newestFirstKey(new Date("2025-05-01T09:00:00.000Z"), suffix), at: "2025-05-01T09:00:00.000Z", kind: "mailbox-disabled", audience, address: "old@contoso.com", message: "old@contoso.com was disabled" });
    }
    const body = (await (await app.get("status/contoso")).json()) as DetailBody;
    expect(body.recentAlerts.map((a) => [a.address, a.at, a.audiences])).toEqual([
      ["new@contoso.com", "2025-05-01T10:21:07.000Z", ["mailbox", "owner"]],
      ["old@contoso.com", "2025-05-01T09:00:00.000Z", ["mailbox", "owner"]],
    ]);
  });
});
