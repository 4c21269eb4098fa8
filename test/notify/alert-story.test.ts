import { describe, expect, it } from "vitest";
import { decideEmail, initialStory, type StoryDecision, type StoryState } from "../../lib/notify/alert-story.js";
import { cronPeriodMs, staleness } from "../../lib/cycle/health.js";
import type { ReadinessFindings } from "../../lib/notify/readiness-findings.js";

const t0 = new Date("2026-11-30T08:00:00.000Z");
const minutes = (m: number): Date => new Date(t0.getTime() + m * 60_000);

/** One notifier evaluation: minute, failure % of the last 60 minutes (null: no checks), and what the story says. */
interface Step {
  at: number;
  percent: number | null;
  maintenance?: boolean;
  stale?: boolean;
  /** What synchronization's app lacks for the EWS shutdown (readinessFindings). */
  readiness?: ReadinessFindings;
  expect: string;
}

const describeDecision = (d: StoryDecision): string =>
  d.kind === "send" ? d.email : d.due === undefined ? `nothing (${d.reason})` : `nothing (${d.reason}, ${d.due} due ${d.dueAt!.slice(11, 16)})`;

/** Runs a timeline; an email that is "sent" updates the ledger as the notifier will after the server accepts it. */
function play(steps: Step[], state: StoryState = initialStory): { at: number; got: string; expected: string }[] {
  return steps.map((step) => {
    const figures = step.percent === null ? { processed: 0, failed: 0 } : { processed: 100, failed: step.percent };
    const decision = decideEmail({ figures, inMaintenance: step.maintenance ?? false, stale: step.stale ?? false, state, now: minutes(step.at), readiness: step.readiness });
    state = decision.after;
    return { at: step.at, got: describeDecision(decision), expected: step.expect };
  });
}

const check = (steps: Step[], state?: StoryState): void => {
  const rows = play(steps, state);
  expect(rows.map((r) => `t=${r.at}m ${r.got}`)).toEqual(rows.map((r) => `t=${r.at}m ${r.expected}`));
};

describe("the alert's story", () => {
  it("alerts once, reminds every 60 minutes while failing, recovers once", () => {
    check([
      { at: 0, percent: 70, expect: "alert" },
      { at: 30, percent: 70, expect: "nothing (within-quiet-period, reminder due 09:00)" },
      { at: 59, percent: 70, expect: "nothing (within-quiet-period, reminder due 09:00)" },
      { at: 60, percent: 70, expect: "reminder" },
      { at: 90, percent: 20, expect: "nothing (within-quiet-period, recovered due 10:00)" },
      { at: 120, percent: 20, expect: "recovered" },
      { at: 180, percent: 20, expect: "nothing (below-threshold)" },
      { at: 240, percent: 50, expect: "nothing (below-threshold)" },
      { at: 300, percent: 51, expect: "alert" },
    ]);
  });

  it("decides a held-back recovery afresh: failing again by then makes it a reminder", () => {
    check([
      { at: 0, percent: 80, expect: "alert" },
      { at: 20, percent: 10, expect: "nothing (within-quiet-period, recovered due 09:00)" },
      { at: 60, percent: 90, expect: "reminder" },
      { at: 125, percent: 0, expect: "recovered" },
    ]);
  });

  it("holds a new alert back within 60 minutes of a recovery", () => {
    check([
      { at: 0, percent: 60, expect: "alert" },
      { at: 60, percent: 40, expect: "recovered" },
      { at: 80, percent: 60, expect: "nothing (within-quiet-period, alert due 10:00)" },
      { at: 120, percent: 60, expect: "alert" },
    ]);
  });

  it("needs more than 50% to alert, and checks to recover", () => {
    check([
      { at: 0, percent: 50, expect: "nothing (below-threshold)" },
      { at: 10, percent: null, expect: "nothing (no-checks)" },
      { at: 20, percent: 100, expect: "alert" },
      { at: 90, percent: null, expect: "nothing (no-checks)" },
      { at: 100, percent: 100, expect: "reminder" },
    ]);
  });

  it("sends nothing during maintenance and keeps the alert open through it", () => {
    check([
      { at: 0, percent: 100, maintenance: true, expect: "nothing (maintenance)" },
      { at: 60, percent: 100, maintenance: true, expect: "nothing (maintenance)" },
      { at: 120, percent: 100, expect: "alert" },
      { at: 180, percent: 10, maintenance: true, expect: "nothing (maintenance)" },
      { at: 240, percent: 10, expect: "recovered" },
    ]);
  });

  it("emails once per stale episode, never an alert, reminder or recovery on old figures", () => {
    check([
      { at: 0, percent: 90, expect: "alert" },
      { at: 30, percent: null, stale: true, expect: "nothing (within-quiet-period, stale due 09:00)" },
      { at: 60, percent: null, stale: true, expect: "stale" },
      { at: 120, percent: null, stale: true, expect: "nothing (stale-notified)" },
      { at: 180, percent: 20, expect: "recovered" },
      { at: 240, percent: null, stale: true, expect: "stale" },
      { at: 260, percent: 20, expect: "nothing (below-threshold)" },
      { at: 270, percent: null, stale: true, expect: "nothing (within-quiet-period, stale due 13:00)" },
      { at: 300, percent: null, stale: true, expect: "stale" },
    ]);
  });

  it("never sends two emails inside 60 minutes, whatever the kinds and however often it runs", () => {
    // Every minute for ten hours, a figure that swings across 50% and stale / maintenance spells.
    const steps: Step[] = Array.from({ length: 600 }, (_, m) => ({
      at: m,
      percent: m % 97 < 40 ? 80 : m % 13 === 0 ? null : 10,
      stale: m % 211 > 190,
      maintenance: m % 173 > 160,
      expect: "",
    }));
    const sent = play(steps).filter((r) => !r.got.startsWith("nothing"));
    expect(sent.length).toBeGreaterThan(5);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at, `${sent[i - 1]!.got} then ${sent[i]!.got}`).toBeGreaterThanOrEqual(60);
  });

  it("records what was sent and ends a stale episode only when the profile is no longer stale", () => {
    const alerted = decideEmail({ figures: { processed: 10, failed: 9 }, inMaintenance: false, stale: false, state: initialStory, now: t0 });
    expect(alerted).toEqual({ kind: "send", email: "alert", after: { alertOpen: true, staleNotified: false, lastEmail: { kind: "alert", at: t0.toISOString() } } });
    const notified: StoryState = { alertOpen: false, staleNotified: true, lastEmail: { kind: "stale", at: minutes(-300).toISOString() } };
    expect(decideEmail({ figures: { processed: 0, failed: 0 }, inMaintenance: true, stale: true, state: notified, now: t0 }).after.staleNotified).toBe(true);
    expect(decideEmail({ figures: { processed: 0, failed: 0 }, inMaintenance: true, stale: false, state: notified, now: t0 }).after.staleNotified).toBe(false);
  });
});

describe("the schedule's period, for telling a stale profile", () => {
  it("reads the regular NCRONTAB schedules and gives up on the others", () => {
    expect(cronPeriodMs("0 * * * * *")).toBe(60_000);
    expect(cronPeriodMs("*/15 * * * * *")).toBe(15_000);
    expect(cronPeriodMs("* * * * * *")).toBe(1_000);
    expect(cronPeriodMs("0 */5 * * * *")).toBe(300_000);
    expect(cronPeriodMs("30 0 * * * *")).toBe(3_600_000);
    expect(cronPeriodMs("0 0 */2 * * *")).toBe(7_200_000);
    expect(cronPeriodMs("0 30 2 * * *")).toBeUndefined();
    expect(cronPeriodMs("0 0,30 * * * *")).toBeUndefined();
    expect(cronPeriodMs("0 * * * * 1-5")).toBeUndefined();
    expect(cronPeriodMs("* * * * *")).toBeUndefined();
  });

  it("is stale past twice the polling interval plus the schedule's period, never without a summary", () => {
    const updatedAt = "2025-03-04T10:00:00.000Z";
    const at = (ms: number) => new Date(Date.parse(updatedAt) + ms);
    const options = { pollingIntervalMinutes: 5, scheduleEveryMs: 15_000 };
    expect(staleness({ updatedAt }, at(615_000), options)).toEqual({ stale: false, lastCycleAt: updatedAt, ageMs: 615_000 });
    expect(staleness({ updatedAt }, at(615_001), options).stale).toBe(true);
    expect(staleness({ updatedAt }, at(660_001), { pollingIntervalMinutes: 5 }).stale).toBe(true);
    expect(staleness(undefined, at(86_400_000), options)).toEqual({ stale: false });
  });
});

describe("the readiness notice", () => {
  const day = 24 * 60;
  /** EWS's part and the permissions' part; `null` for a part not checked this time. */
  const found = (ews: string[] | null, permissions: string[] | null): ReadinessFindings => ({ ews: ews ?? undefined, permissions: permissions ?? undefined });
  const blocked = found(["EWS blocked-by-policy"], ["missing Tasks.ReadWrite.All"]);
  const tasksOnly = found([], ["missing Tasks.ReadWrite.All"]);

  it("tells the owner when something new is missing, then weekly while anything is; what goes away is forgotten without an email", () => {
    check([
      { at: 0, percent: 0, readiness: found([], []), expect: "nothing (below-threshold)" },
      { at: 30, percent: 0, readiness: blocked, expect: "readiness" },
      { at: 60, percent: 0, readiness: blocked, expect: "nothing (below-threshold)" },
      // EWS allowed now: narrower, nothing new, no email.
      { at: 3 * day, percent: 0, readiness: tasksOnly, expect: "nothing (below-threshold)" },
      // Something new: Mail.Send missing too.
      { at: 3 * day + 30, percent: 0, readiness: found([], ["missing Mail.Send", "missing Tasks.ReadWrite.All"]), expect: "readiness" },
      { at: 10 * day + 29, percent: 0, readiness: found([], ["missing Mail.Send", "missing Tasks.ReadWrite.All"]), expect: "nothing (below-threshold)" },
      { at: 10 * day + 30, percent: null, readiness: found([], ["missing Mail.Send", "missing Tasks.ReadWrite.All"]), expect: "readiness" },
      // Fixed: forgotten, so that the same finding coming back is told at once.
      { at: 11 * day, percent: 0, readiness: found([], []), expect: "nothing (below-threshold)" },
      { at: 11 * day + 90, percent: 0, readiness: tasksOnly, expect: "readiness" },
    ]);
  });

  it("takes a part it could not check this time as what was told of it: a failed EWS request or token is no news", () => {
    check([
      { at: 0, percent: 0, readiness: blocked, expect: "readiness" },
      { at: 1 * day, percent: 0, readiness: found(null, ["missing Tasks.ReadWrite.All"]), expect: "nothing (below-threshold)" },
      { at: 2 * day, percent: 0, readiness: found(null, null), expect: "nothing (below-threshold)" },
      { at: 3 * day, percent: 0, readiness: blocked, expect: "nothing (below-threshold)" },
      { at: 4 * day, percent: 0, readiness: found(["EWS blocked-by-policy"], null), expect: "nothing (below-threshold)" },
      // Unknown parts never make a finding of their own.
      { at: 5 * day, percent: 0, readiness: found([], []), expect: "nothing (below-threshold)" },
      { at: 6 * day, percent: 0, readiness: found(null, null), expect: "nothing (below-threshold)" },
    ]);
    // What was told of a part that is no longer checked is kept, but never told again on its own: the email could not
    // show it (EWS stays unchecked once the app loses full_access_as_app for Graph, say).
    check([
      { at: 0, percent: 0, readiness: found(["EWS disabled"], []), expect: "readiness" },
      { at: 7 * day, percent: 0, readiness: found(null, []), expect: "nothing (below-threshold)" },
      { at: 14 * day, percent: 0, readiness: found(null, []), expect: "nothing (below-threshold)" },
      { at: 15 * day, percent: 0, readiness: found(["EWS disabled"], []), expect: "readiness" },
    ]);
    // An email sent while a part could not be checked keeps what was told of that part: it is no news the day after.
    check([
      { at: 0, percent: 0, readiness: blocked, expect: "readiness" },
      { at: 7 * day, percent: 0, readiness: found(null, ["missing Tasks.ReadWrite.All"]), expect: "readiness" },
      { at: 8 * day, percent: 0, readiness: blocked, expect: "nothing (below-threshold)" },
    ]);
    check([
      { at: 0, percent: 0, readiness: blocked, expect: "readiness" },
      { at: 1 * day, percent: 80, readiness: found(null, ["missing Tasks.ReadWrite.All"]), expect: "alert" },
      { at: 1 * day + 60, percent: 0, readiness: blocked, expect: "recovered" },
      { at: 2 * day, percent: 0, readiness: blocked, expect: "nothing (below-threshold)" },
    ]);
  });

  it("gives way to the failure story, whose emails carry the findings; never while an alert is open, inside 60 minutes of another email, in maintenance or when stale", () => {
    check([
      { at: 0, percent: 80, readiness: blocked, expect: "alert" },
      { at: 60, percent: 10, readiness: blocked, expect: "recovered" },
      { at: 120, percent: 10, readiness: blocked, expect: "nothing (below-threshold)" },
      { at: 180, percent: 10, readiness: found(["EWS blocked-by-policy"], ["missing Mail.Send", "missing Tasks.ReadWrite.All"]), expect: "readiness" },
      { at: 200, percent: 90, readiness: blocked, expect: "nothing (within-quiet-period, alert due 12:00)" },
    ]);
    check([
      { at: 0, percent: 0, maintenance: true, readiness: blocked, expect: "nothing (maintenance)" },
      { at: 60, percent: 0, stale: true, readiness: blocked, expect: "stale" },
      { at: 120, percent: 0, stale: true, readiness: blocked, expect: "nothing (stale-notified)" },
      { at: 180, percent: 0, readiness: blocked, expect: "readiness" },
    ]);
    check([
      { at: 0, percent: 60, expect: "alert" },
      // An alert is open and no mailbox was checked in the hour: not the time for a readiness email.
      { at: 90, percent: null, readiness: blocked, expect: "nothing (no-checks)" },
      { at: 150, percent: 0, readiness: blocked, expect: "recovered" },
    ]);
  });
});
