import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claim, history, readLedger } from "../../lib/store/notifications.js";
import { mergeSummary, readSummary } from "../../lib/store/summaries.js";
import type { Profile } from "../../lib/config/profile.js";
import { checkedReadiness } from "../support/readiness.js";
import { testStorage } from "../support/storage.js";
import { decodeWords, parseEmail } from "./support/mime.js";
import { receivedEmails, writeSample } from "./support/samples.js";
import { at, failure, World } from "./support/world.js";

let world: World;
beforeEach(async () => {
  world = await new World().start();
});
afterEach(async () => {
  await world.stop();
});

const kinds = (results: { kind: string }[]): string[] => results.map((r) => r.kind);

describe("the notifier, on a timeline (Azurite + a real SMTP server + nodemailer)", () => {
  it("sends exactly one email for a qualifying profile across many runs within the hour, and records it", async () => {
    const p = await world.addProfile();
    const results = await world.timeline(p.id, 0, 55); // twelve runs, every five minutes
    expect(kinds(results)).toEqual(["sent", ...Array(11).fill("recently-sent")]);
    expect(world.sink.received).toHaveLength(1);
    const email = parseEmail(world.sink.received[0]!.raw);
    expect(decodeWords(email.headers.subject!)).toBe(
      "[exchange-sync-monitor] Contoso Exchange 2016: 67% of mailboxes failed (10 of 15) 09:05–10:05 UTC",
    );
    expect(email.text).toContain(`https://monitor.contoso.com/api/dashboard/${p.id}`);
    expect(await readSummary(world.storage, p.id)).toMatchObject({ lastEmailAt: at(0).toISOString(), emailsSent: 1 });
    expect(await history(world.storage, p.id, 10)).toMatchObject([
      { outcome: "sent", kind: "alert", recipient: "crm-admin@contoso.com", figures: { processed: 15, failed: 10 }, messageId: email.headers["message-id"] },
    ]);
  });

  it.each([
    [10, 5],
    [1000, 300],
    [4, 1],
    [0, 0],
  ])("sends nothing at or below 50 percent (%i processed, %i failed)", async (processed, failed) => {
    const p = await world.addProfile();
    const results = await world.timeline(p.id, 0, 15, processed, failed);
    expect(results.map((r) => (r.kind === "quiet" ? r.reason : r.kind))).toEqual(Array(4).fill(processed === 0 ? "no-checks" : "below-threshold"));
    expect(results[0]).toMatchObject({ figures: { processed, failed } });
    expect(world.sink.received).toHaveLength(0);
    expect(await readLedger(world.storage, p.id)).toBeUndefined();
  });

  it("sends a second email (the reminder) only once 60 minutes have passed since the first", async () => {
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    expect(kinds(await world.run(at(0)))).toEqual(["sent"]);
    await world.probe(p.id, at(59), 15, 10);
    expect(kinds(await world.run(new Date(at(60).getTime() - 1)))).toEqual(["recently-sent"]);
    expect(world.sink.received).toHaveLength(1);
    expect(await world.run(at(60.5))).toMatchObject([{ kind: "sent", email: "reminder" }]);
    expect(world.sink.received).toHaveLength(2);
    expect((await readSummary(world.storage, p.id))?.emailsSent).toBe(2);
  });

  it.each(["no ledger yet", "an email two hours ago"])("lets exactly one of eight racing runs send, per profile (%s)", async (before) => {
    const profiles = await Promise.all(Array.from({ length: 6 }, (_, i) => world.addProfile({ owner: `owner${i}@contoso.com` })));
    if (before !== "no ledger yet") {
      for (const p of profiles) await world.probe(p.id, at(-121), 15, 10);
      expect(new Set(kinds(await world.run(at(-120))))).toEqual(new Set(["sent"]));
      world.sink.received.length = 0;
    }
    for (const p of profiles) await world.probe(p.id, at(-1), 15, 10);
    const results = (await Promise.all(Array.from({ length: 8 }, () => world.run(at(0))))).flat();
    expect(results.every((r) => ["sent", "recently-sent", "lost-race"].includes(r.kind))).toBe(true);
    for (const p of profiles) expect(results.filter((r) => r.profileId === p.id && r.kind === "sent")).toHaveLength(1);
    expect(world.sink.received.map((e) => e.to[0]).sort()).toEqual(profiles.map((p) => p.owner).sort());
  });

  it("sends nothing while the SMTP server is down, releases the claim, and sends once it is back", async () => {
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    await world.sink.stop();
    expect(await world.run(at(0))).toMatchObject([{ kind: "send-failed", email: "alert" }]);
    expect(await readLedger(world.storage, p.id)).toMatchObject({ state: "idle", emailsSent: 0, outcomes: { sent: 0, refused: 1, uncertain: 0 } });
    await world.sink.start(); // same port
    world.sink.behaviour = { kind: "refuse-rcpt", code: 451 };
    await world.probe(p.id, at(4), 15, 10);
    expect(await world.run(at(5))).toMatchObject([{ kind: "send-failed", email: "alert" }]);
    world.sink.behaviour = { kind: "accept" };
    const later = await world.timeline(p.id, 10, 30);
    expect(kinds(later)).toEqual(["sent", "recently-sent", "recently-sent", "recently-sent", "recently-sent"]);
    expect(world.sink.received).toHaveLength(1);
  });

  it("after a crash between claiming and sending: no email that hour, and never two", async () => {
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    // a run claimed at 10:05 and died before sending
    expect((await claim(testStorage(world.settings), p.id, at(0), "crashed")).kind).toBe("claimed");
    const sameHour = await world.timeline(p.id, 5, 55);
    expect(new Set(kinds(sameHour))).toEqual(new Set(["recently-sent"]));
    expect(world.sink.received).toHaveLength(0);
    const nextHour = await world.timeline(p.id, 60, 115);
    expect(kinds(nextHour)).toEqual(["sent", ...Array(11).fill("recently-sent")]);
    expect(world.sink.received).toHaveLength(1);
  });

  it("keeps the claim when the outcome is unknown (the server took the body and went silent)", async () => {
    const p = await world.addProfile();
    world.timeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 300 };
    world.sink.behaviour = { kind: "hang-after-data" };
    await world.probe(p.id, at(-1), 15, 10);
    expect(kinds(await world.run(at(0)))).toEqual(["outcome-unknown"]);
    world.sink.behaviour = { kind: "accept" };
    expect(kinds(await world.timeline(p.id, 5, 55))).toEqual(Array(11).fill("recently-sent"));
    expect(world.sink.received).toHaveLength(0);
    expect(await world.timeline(p.id, 60, 60)).toMatchObject([{ kind: "sent", email: "reminder" }]);
  });

  it("emails only the owner, and only for profiles that want it", async () => {
    const wants = await world.addProfile({ owner: "owner-a@contoso.com" });
    const quiet = await world.addProfile({ owner: "owner-b@contoso.com", notifyOwner: false });
    await world.probe(wants.id, at(-1), 15, 10);
    await world.probe(quiet.id, at(-1), 15, 15);
    const results = await world.run(at(0));
    expect(results).toMatchObject([{ profileId: wants.id, kind: "sent", recipient: "owner-a@contoso.com" }]);
    expect(world.sink.received).toHaveLength(1);
    const received = world.sink.received[0]!;
    expect(received.to).toEqual(["owner-a@contoso.com"]);
    const headers = parseEmail(received.raw).headers;
    expect(headers.to).toBe("owner-a@contoso.com");
    expect(headers.cc).toBeUndefined();
    expect(headers.bcc).toBeUndefined();
  });

  it("marks the email as automated so that out-of-office replies do not answer it", async () => {
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    await world.run(at(0));
    const headers = parseEmail(world.sink.received[0]!.raw).headers;
    expect(headers["auto-submitted"]).toBe("auto-generated");
    expect(headers["x-auto-response-suppress"]).toBe("All");
  });

  it("escapes a hostile mailbox address, error message and profile name in the HTML part", async () => {
    const p = await world.addProfile({ name: "Contoso <img src=x onerror=alert(1)>" });
    await recordHostile(p.id);
    await world.run(at(0));
    const email = parseEmail(world.sink.received[0]!.raw);
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;@contoso.com");
    expect(email.html).toContain("Boom &lt;script&gt;document.cookie&lt;/script&gt;");
    expect(email.html).toContain("Contoso &lt;img src=x onerror=alert(1)&gt;");
    expect(email.html).not.toMatch(/<script|<img/i);
  });

  it("goes on with the other profiles when one fails", async () => {
    const broken = await world.addProfile();
    const fine = await world.addProfile();
    await world.probe(broken.id, at(-1), 15, 10);
    await world.probe(fine.id, at(-1), 15, 10);
    // a corrupt row in the broken profile's checks: its lastError column is not JSON
    const checks = await world.storage.table("checks");
    await checks.upsertEntity({ partitionKey: `${broken.id}_2025030410`, rowKey: "x@contoso.com", lastFailureAt: at(-1).toISOString(), lastError: "{not json" }, "Merge");
    const results = await world.run(at(0));
    expect(results.find((r) => r.profileId === broken.id)?.kind).toBe("error");
    expect(results.find((r) => r.profileId === fine.id)?.kind).toBe("sent");
    expect(world.sink.received).toHaveLength(1);
  });

  async function recordHostile(profileId: string): Promise<void> {
    await world.probe(profileId, at(-1), 3, 2, failure("Boom <script>document.cookie</script>"));
    const { recordChecks } = await import("../../lib/store/checks.js");
    await recordChecks(world.storage, profileId, [{ address: "<script>alert(1)</script>@contoso.com", at: at(-2), outcome: { ok: false, failure: failure() } }]);
  }

  /** An Exchange Online profile signing in as `tailspinApp`. */
  const tailspinApp = { tenantId: "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6", clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5" };
  const addTailspin = (change: Partial<Profile> = {}) =>
    world.addProfile({ name: "Tailspin Toys", serverType: "exchange-online", owner: "m365-admin@tailspintoys.com", auth: { kind: "oauth", ...tailspinApp, clientSecretSetting: "TAILSPIN_SECRET" }, ...change });

  it("tells the owner of a healthy Exchange Online profile what is missing before EWS stops: once, then not again within the week", async () => {
    const p = await addTailspin({ id: "tailspin" });
    const readiness = checkedReadiness({ ewsDaysLeft: 758, speaksFor: { kind: "sync-app", app: tailspinApp }, checkedAt: at(-30).toISOString() });
    await mergeSummary(world.storage, p.id, { readiness });
    await world.probe(p.id, at(-1), 15, 0);
    expect(await world.run(at(0))).toMatchObject([{ kind: "sent", email: "readiness" }]);
    writeSample("readiness-email", receivedEmails(world.sink)[0]!);
    const email = parseEmail(world.sink.received[0]!.raw);
    expect(decodeWords(email.headers.subject!)).toBe(
      "[exchange-sync-monitor] Not ready for the EWS shutdown: Tailspin Toys: EWS blocked-by-policy; missing Tasks.ReadWrite.All (EWS in Exchange Online stops on 2027-04-01, in 758 days)",
    );
    expect(email.text).toContain("EWS readiness: something is missing");
    expect(email.text).toContain("Tasks.ReadWrite.All");
    expect(email.text).not.toContain("Figures");
    // Told: nothing more this week while the findings stay the same, and the story keeps what was told across runs.
    await world.probe(p.id, at(119), 15, 0);
    expect(await world.run(at(120))).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect((await readLedger(world.storage, p.id))?.story.readinessTold).toEqual({ findings: "EWS blocked-by-policy; missing Tasks.ReadWrite.All", at: at(0).toISOString() });
    // Granted: what is left was told already, so no email; the ledger narrows what was told, keeping its time.
    await mergeSummary(world.storage, p.id, { readiness: { ...readiness, graphPermissions: { status: "checked", granted: ["Mail.ReadWrite", "Tasks.ReadWrite.All"], missing: [] } } });
    await world.probe(p.id, at(179), 15, 0);
    expect(await world.run(at(180))).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect((await readLedger(world.storage, p.id))?.story.readinessTold).toEqual({ findings: "EWS blocked-by-policy", at: at(0).toISOString() });
    // Something new: the owner hears of it, with what is still missing.
    await mergeSummary(world.storage, p.id, { readiness: { ...readiness, graphPermissions: { status: "checked", granted: ["Mail.ReadWrite"], missing: ["Mail.Send"] } } });
    await world.probe(p.id, at(239), 15, 0);
    expect(await world.run(at(240))).toMatchObject([{ kind: "sent", email: "readiness" }]);
    expect(decodeWords(parseEmail(world.sink.received[1]!.raw).headers.subject!)).toContain("Not ready for the EWS shutdown: Tailspin Toys: EWS blocked-by-policy; missing Mail.Send (EWS");
    expect(world.sink.received).toHaveLength(2);
  });

  it("counts the days left on the day it writes, and says nothing of a readiness the daily check has not renewed for three days", async () => {
    const p = await addTailspin({ id: "tailspin-aged" });
    // Checked two days ago: still current, its days left counted today (758), not as stored.
    await mergeSummary(world.storage, p.id, { readiness: checkedReadiness({ ewsDaysLeft: 760, speaksFor: { kind: "sync-app", app: tailspinApp }, checkedAt: at(-2 * 24 * 60).toISOString() }) });
    await world.probe(p.id, at(-1), 15, 0);
    expect(await world.run(at(0))).toMatchObject([{ kind: "sent", email: "readiness" }]);
    expect(decodeWords(parseEmail(world.sink.received[0]!.raw).headers.subject!)).toContain("in 758 days)");
    // Not renewed for four days (the profile left Exchange Online, say): no news, however new its findings look.
    await mergeSummary(world.storage, p.id, {
      readiness: checkedReadiness({ graphPermissions: { status: "checked", granted: [], missing: ["Mail.Send"] }, speaksFor: { kind: "sync-app", app: tailspinApp }, checkedAt: at(-4 * 24 * 60).toISOString() }),
    });
    await world.probe(p.id, at(119), 15, 0);
    expect(await world.run(at(120))).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect(world.sink.received).toHaveLength(1);
  });

  it("sends no readiness email when readiness speaks for the monitor's own app, not synchronization's", async () => {
    const p = await addTailspin();
    const readiness = checkedReadiness({
      ews: "disabled",
      ewsDaysLeft: 121,
      graphPermissions: { status: "checked", granted: [], missing: ["Mail.Send"] },
      speaksFor: { kind: "monitor-app", app: tailspinApp, syncApp: "unknown" },
      checkedAt: at(-30).toISOString(),
    });
    await mergeSummary(world.storage, p.id, { readiness });
    await world.probe(p.id, at(-1), 15, 0);
    expect(await world.run(at(0))).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect(world.sink.received).toHaveLength(0);
  });
});
