import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProfileNotifyResult } from "../../lib/notify/run-notifier.js";
import { readHourly } from "../../lib/store/hourly.js";
import { saveProfile } from "../../lib/store/profiles.js";
import { history } from "../../lib/store/notifications.js";
import { readSummary } from "../../lib/store/summaries.js";
import { testStorage } from "../support/storage.js";
import { LedgerBarrier } from "./support/ledger-barrier.js";
import { decodeWords, parseEmail } from "./support/mime.js";
import { at, World } from "./support/world.js";

/**
 * The alert's whole story on a timeline (Alertmanager style): probes every five minutes, the notifier after
 * each, through the real notifier, Azurite and a real SMTP server.
 */

let world: World;
beforeEach(async () => {
  world = await new World().start();
});
afterEach(async () => {
  await world.stop();
});

const minute = (d: Date | string): number => (new Date(d).getTime() - at(0).getTime()) / 60_000;
const sent = (results: ProfileNotifyResult[]) => results.flatMap((r) => (r.kind === "sent" ? [r.email] : []));
const subjects = (): string[] => world.sink.received.map((e) => decodeWords(parseEmail(e.raw).headers.subject!));

/** Probes and notifier runs every five minutes over [from, to]; `failing(m)` says whether minute m's cycle fails (10 of 15). */
async function story(profileId: string, from: number, to: number, failing: (m: number) => boolean, runs = 1): Promise<{ m: number; results: ProfileNotifyResult[] }[]> {
  const out: { m: number; results: ProfileNotifyResult[] }[] = [];
  for (let m = from; m <= to; m += 5) {
    await world.probe(profileId, at(m - 1), 15, failing(m) ? 10 : 0);
    const results = (await Promise.all(Array.from({ length: runs }, () => world.run(at(m))))).flat().filter((r) => r.profileId === profileId);
    out.push({ m, results });
  }
  return out;
}

const emailsAt = (timeline: { m: number; results: ProfileNotifyResult[] }[]) =>
  timeline.flatMap(({ m, results }) => sent(results).map((email) => ({ m, email })));

describe("the alert's story through the notifier", () => {
  it("reminds every 60 minutes while the profile stays above 50%, and lists each email with its kind", async () => {
    const p = await world.addProfile();
    const timeline = await story(p.id, 0, 125, () => true);
    expect(emailsAt(timeline)).toEqual([
      { m: 0, email: "alert" },
      { m: 60, email: "reminder" },
      { m: 120, email: "reminder" },
    ]);
    expect(subjects()[1]).toMatch(/^\[exchange-sync-monitor\] Still failing: Contoso Exchange 2016: 67% of mailboxes failed \(10 of 15\)/);
    expect(parseEmail(world.sink.received[1]!.raw).text).toContain(`The last email about this profile went out at 2025-03-04 10:05 UTC`);
    expect((await history(world.storage, p.id, 10)).map((h) => [h.kind, h.outcome, minute(h.at)])).toEqual([
      ["reminder", "sent", 120],
      ["reminder", "sent", 60],
      ["alert", "sent", 0],
    ]);
    expect(await readSummary(world.storage, p.id)).toMatchObject({
      emailsSent: 3,
      lastEmail: { kind: "reminder", outcome: "sent", at: at(120).toISOString() },
      emailOutcomes: { sent: 3, refused: 0, uncertain: 0 },
    });
  });

  it("sends the recovery email once, no sooner than 60 minutes after the alert, and nothing after it", async () => {
    const p = await world.addProfile();
    const timeline = await story(p.id, 0, 180, (m) => m < 15);
    expect(emailsAt(timeline)).toEqual([
      { m: 0, email: "alert" },
      { m: 60, email: "recovered" },
    ]);
    expect(timeline.find((t) => t.m === 30)?.results).toMatchObject([{ kind: "recently-sent", due: "recovered" }]);
    expect(timeline.at(-1)?.results).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect(subjects()[1]).toBe("[exchange-sync-monitor] Recovered: Contoso Exchange 2016: 0% of mailboxes failed (0 of 15) 10:05–11:05 UTC");
    expect((await history(world.storage, p.id, 10)).map((h) => h.kind)).toEqual(["recovered", "alert"]);
  });

  it("never sends two emails inside 60 minutes across alert, reminder and recovery, with three racing runs at every tick", async () => {
    const p = await world.addProfile();
    // failing; recovered at 30 (the recovery waits for 10:05 + 60); failing again from 45, which counts once the
    // last success (at 39) has left the window at 100 (the new alert waits for the recovery + 60); recovered at 250.
    const failing = (m: number): boolean => m < 30 || (m >= 45 && m < 250);
    const timeline = await story(p.id, 0, 300, failing, 3);
    const emails = emailsAt(timeline);
    expect(emails).toEqual([
      { m: 0, email: "alert" },
      { m: 60, email: "recovered" },
      { m: 120, email: "alert" },
      { m: 180, email: "reminder" },
      { m: 240, email: "reminder" },
      { m: 300, email: "recovered" },
    ]);
    expect(timeline.find((t) => t.m === 100)?.results.map((r) => r.kind === "recently-sent" && r.due)).toEqual(["alert", "alert", "alert"]);
    expect(world.sink.received).toHaveLength(6);
    const times = (await history(world.storage, p.id, 10)).map((h) => Date.parse(h.at)).sort();
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(3_600_000);
  });

  it("sends nothing for a failing hour inside a maintenance window, marks the hour, and alerts once the window is over", async () => {
    const p = await world.addProfile({ maintenance: [{ start: at(-30).toISOString(), end: at(70).toISOString(), reason: "CU14 upgrade" }] });
    const timeline = await story(p.id, 0, 135, () => true);
    const first = emailsAt(timeline)[0];
    expect(first).toEqual({ m: 130, email: "alert" }); // the first run whose last 60 minutes miss the window
    expect(timeline.find((t) => t.m === 60)?.results).toMatchObject([{ kind: "quiet", reason: "maintenance" }]);
    expect(world.sink.received).toHaveLength(1);
    const hours = await readHourly(world.storage, p.id, "2025030400");
    expect(hours.map((h) => [h.hour, h.maintenance === true])).toEqual([
      ["2025030409", true], // the window opens at 09:35
      ["2025030410", true],
      ["2025030411", true], // it closes at 11:15
      ["2025030412", false],
    ]);
    expect((await readSummary(world.storage, p.id))?.hourly.filter((h) => h.maintenance).map((h) => h.hour)).toEqual(["2025030409", "2025030410", "2025030411"]);
    // the probes ran and were recorded all through the window
    expect(hours.find((h) => h.hour === "2025030410")).toMatchObject({ processed: 15, failed: 10 });
  });

  it("honours a weekly window across midnight in New York on the night the clocks go back", async () => {
    // Saturday 23:00 to 02:00 New York time. On 2025-11-01 that is 03:00Z (EDT) to 07:00Z (02:00 EST, after the
    // repeated hour): four hours. A zone-blind reading would end it at 06:00Z and email an hour early.
    const p = await world.addProfile({ maintenance: [{ day: "saturday", from: "23:00", to: "02:00", timeZone: "America/New_York" }] });
    const base = Date.parse("2025-11-02T03:05:00Z");
    const offset = (at(0).getTime() - base) / 60_000;
    const timeline = await story(p.id, -offset, -offset + 300, () => true); // 03:05Z to 08:05Z
    const emails = emailsAt(timeline).map((e) => ({ at: new Date(at(e.m).getTime()).toISOString(), email: e.email }));
    expect(emails).toEqual([{ at: "2025-11-02T08:00:00.000Z", email: "alert" }]); // the first run whose hour (07:00–08:00) misses the window
    const hours = await readHourly(world.storage, p.id, "2025110200");
    expect(hours.map((h) => [h.hour, h.maintenance === true])).toEqual([
      ["2025110202", false], // 22:00 EDT: before the window
      ["2025110203", true],
      ["2025110204", true],
      ["2025110205", true],
      ["2025110206", true],
      ["2025110207", false],
      ["2025110208", false],
    ]);
  });

  it("emails the owner once when the profile goes stale, again only in a new stale episode", async () => {
    const p = await world.addProfile({ pollingIntervalMinutes: 5 });
    await world.probe(p.id, at(-1), 15, 0);
    const runs: [number, ProfileNotifyResult[]][] = [];
    for (const m of [0, 5, 10, 15, 20, 80]) runs.push([m, await world.run(at(m))]);
    // stale once the last cycle (at -1) is older than 2 × 5 minutes + the schedule's minute
    expect(runs.map(([m, r]) => [m, r[0]!.kind === "quiet" ? r[0]!.reason : r[0]!.kind])).toEqual([
      [0, "below-threshold"],
      [5, "below-threshold"],
      [10, "below-threshold"],
      [15, "sent"],
      [20, "stale-notified"],
      [80, "stale-notified"],
    ]);
    expect(subjects()).toEqual(["[exchange-sync-monitor] Stale: Contoso Exchange 2016: no completed probe cycle since 2025-03-04 10:04 UTC"]);
    expect(parseEmail(world.sink.received[0]!.raw).text).toContain("(16 min ago)");
    // probing resumes: the episode ends; it stops again: a new episode, a new email
    await world.probe(p.id, at(84), 15, 0);
    expect(await world.run(at(85))).toMatchObject([{ kind: "quiet", reason: "below-threshold" }]);
    expect(await world.run(at(100))).toMatchObject([{ kind: "sent", email: "stale" }]);
    expect((await history(world.storage, p.id, 10)).map((h) => h.kind)).toEqual(["stale", "stale"]);
  });
});

describe("stale, as status reads it", () => {
  it("never calls a Dataverse profile without credentials stale: it is not probed on purpose", async () => {
    const unmapped = await world.addProfile({ pollingIntervalMinutes: 5, owner: "unmapped@contoso.com" });
    const origin = {
      source: { kind: "dataverse" as const, environment: "https://contoso.crm.dynamics.com", id: "0f0e", name: unmapped.name, servertype: 0 },
      credentials: "missing" as const,
      needs: "The map file must give the password setting of this profile.",
      lastTest: { status: "not-run" as const, startedAt: null, response: null },
      fingerprint: "f",
    };
    await saveProfile(world.storage, unmapped, at(0), origin);
    const mapped = await world.addProfile({ pollingIntervalMinutes: 5, owner: "mapped@contoso.com" }); // set up, never probed
    const results = await world.run(at(120));
    expect(results.find((r) => r.profileId === unmapped.id)).toMatchObject({ kind: "quiet", reason: "no-checks" });
    expect(results.find((r) => r.profileId === mapped.id)).toMatchObject({ kind: "sent", email: "stale" });
    expect(subjects()).toEqual(["[exchange-sync-monitor] Stale: Contoso Exchange 2016: no completed probe cycle since it was added"]);
  });
});

describe("the one-an-hour rule, at the send attempt", () => {
  it("dates an uncertain email from its send attempt, not from the start of a long run (issue 10 item 8)", async () => {
    const p = await world.addProfile();
    world.timeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 300 };
    world.sink.behaviour = { kind: "hang-after-data" };
    await world.probe(p.id, at(-1), 15, 10);
    // the run starts at 10:05 and reaches the send 20 minutes later
    let calls = 0;
    expect(await world.run(() => (calls++ === 0 ? at(0) : at(20)))).toMatchObject([{ kind: "outcome-unknown", email: "alert" }]);
    world.sink.behaviour = { kind: "accept" };
    await world.probe(p.id, at(64), 15, 10);
    expect(await world.run(at(65))).toMatchObject([{ kind: "recently-sent", lastAt: at(20).toISOString(), by: "email" }]);
    expect(world.sink.received).toHaveLength(0);
    await world.probe(p.id, at(79), 15, 10);
    expect(await world.run(at(80))).toMatchObject([{ kind: "sent", email: "reminder" }]);
  });

  it("dates a sent email from the end of its send, not from the start of a long run", async () => {
    const p = await world.addProfile();
    await world.probe(p.id, at(-1), 15, 10);
    let calls = 0;
    expect(await world.run(() => (calls++ === 0 ? at(0) : at(20)))).toMatchObject([{ kind: "sent" }]);
    await world.probe(p.id, at(64), 15, 10);
    expect(await world.run(at(65))).toMatchObject([{ kind: "recently-sent", lastAt: at(20).toISOString() }]);
    expect(world.sink.received).toHaveLength(1);
    expect((await readSummary(world.storage, p.id))?.lastEmailAt).toBe(at(20).toISOString());
  });

  it("makes eight racing runs contend (all read the ledger before any writes): the others lose the race, one email each (issue 10 item 13)", async () => {
    const profiles = await Promise.all(Array.from({ length: 3 }, (_, i) => world.addProfile({ owner: `owner${i}@contoso.com` })));
    for (const p of profiles) await world.probe(p.id, at(-1), 15, 10);
    const barrier = new LedgerBarrier(8);
    const results = (await Promise.all(Array.from({ length: 8 }, () => world.run(at(0), barrier.wrap(testStorage(world.settings)))))).flat();
    for (const p of profiles) {
      const mine = results.filter((r) => r.profileId === p.id).map((r) => r.kind);
      expect(mine.filter((k) => k === "sent")).toHaveLength(1);
      expect(mine.filter((k) => k === "lost-race")).toHaveLength(7);
    }
    expect(world.sink.received.map((e) => e.to[0]).sort()).toEqual(profiles.map((p) => p.owner).sort());
  });
});

describe("failed and uncertain emails are visible (issue 10 item 7)", () => {
  it("keeps the last attempt with its outcome and reason, and counts every outcome, in the summary", async () => {
    const p = await world.addProfile();
    world.timeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 300 };
    world.sink.behaviour = { kind: "refuse-rcpt", code: 550 };
    await world.probe(p.id, at(-1), 15, 10);
    expect(await world.run(at(0))).toMatchObject([{ kind: "send-failed" }]);
    expect(await readSummary(world.storage, p.id)).toMatchObject({
      lastEmail: { at: at(0).toISOString(), kind: "alert", outcome: "refused", reason: expect.stringMatching(/550/) },
      emailOutcomes: { sent: 0, refused: 1, uncertain: 0 },
      emailsSent: 0,
    });
    expect((await readSummary(world.storage, p.id))?.lastEmailAt).toBeUndefined();

    world.sink.behaviour = { kind: "hang-after-data" };
    await world.probe(p.id, at(4), 15, 10);
    expect(await world.run(at(5))).toMatchObject([{ kind: "outcome-unknown" }]);
    expect(await readSummary(world.storage, p.id)).toMatchObject({
      lastEmail: { at: at(5).toISOString(), kind: "alert", outcome: "uncertain", reason: expect.any(String) },
      emailOutcomes: { sent: 0, refused: 1, uncertain: 1 },
    });

    world.sink.behaviour = { kind: "accept" };
    await world.probe(p.id, at(64), 15, 10);
    expect(await world.run(at(65))).toMatchObject([{ kind: "sent", email: "reminder" }]);
    const summary = await readSummary(world.storage, p.id);
    expect(summary).toMatchObject({ lastEmail: { outcome: "sent", kind: "reminder" }, emailOutcomes: { sent: 1, refused: 1, uncertain: 1 }, emailsSent: 1, lastEmailAt: at(65).toISOString() });
    expect(summary?.lastEmail?.reason).toBeUndefined();
    expect((await history(world.storage, p.id, 10)).map((h) => h.outcome)).toEqual(["sent", "uncertain", "refused"]);
  });
});
