import { describe, expect, it } from "vitest";
import { applyCheck, isDue, platformPolicy } from "../../lib/cycle/policy.js";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import type { MailboxCheck } from "../../lib/model/connection.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { enabledMailbox } from "../support/mailbox-record.js";

const now = new Date("2026-11-24T10:00:00Z");
const allFailed = { incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" } as const;
const allGood = { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } as const;

const mailbox = (overrides: Partial<MailboxRecord> = {}): MailboxRecord => enabledMailbox("contoso", "jdoe@contoso.com", overrides);

const busy = makeFailure("server-busy", { code: "ErrorServerBusy", message: "The server is busy.", retryAfterMs: 12 * 60_000 });
const timeout = makeFailure("timeout", { code: "UND_ERR_HEADERS_TIMEOUT", message: "no answer" });
const denied = makeFailure("impersonation-denied", { code: "ErrorImpersonateUserDenied", message: "The account does not have permission to impersonate the requested user." });
const failedWith = (error: typeof busy): MailboxCheck => ({ address: "jdoe@contoso.com", ok: false, channels: allFailed, elapsedMs: 10, error });
const succeeded: MailboxCheck = { address: "jdoe@contoso.com", ok: true, channels: allGood, ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx", elapsedMs: 10 };

describe("mailbox policy", () => {
  it("retries a transient failure 5 minutes later, or after the server's back-off when longer", () => {
    const short = applyCheck(mailbox(), failedWith(timeout), now, 1);
    expect(short.record.state).toBe("retrying");
    expect(short.record.nextAttemptAt).toBe("2026-11-24T10:05:00.000Z");
    const long = applyCheck(mailbox(), failedWith(busy), now, 1);
    expect(long.record.nextAttemptAt).toBe("2026-11-24T10:12:00.000Z");
    expect(long.alerts).toEqual([]);
  });

  it("waits at most an hour whatever back-off the failure carries: a mailbox is never parked out of sight, nor its record lost", () => {
    for (const retryAfterMs of [365 * 86_400_000, 9_999_999_999_999_000, Number.MAX_VALUE]) {
      const parked = makeFailure("server-busy", { code: "429", message: "Too many requests.", retryAfterMs });
      const next = applyCheck(mailbox(), failedWith(parked), now, 1);
      expect(next.record).toMatchObject({ state: "retrying", nextAttemptAt: "2026-11-24T11:00:00.000Z" });
    }
  });

  it("disables after 10 transient failures in a row, with an alert for the mailbox and for the owner", () => {
    let record = mailbox();
    let clock = now.getTime();
    const states: string[] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = applyCheck(record, failedWith(timeout), new Date(clock), i + 1);
      record = outcome.record;
      states.push(record.state);
      clock += platformPolicy.retryDelayMs;
      if (i < 9) expect(outcome.alerts).toEqual([]);
      else expect(outcome.alerts.map((a) => [a.kind, a.audiences])).toEqual([["mailbox-disabled", ["mailbox", "owner"]]]);
    }
    expect(states).toEqual([...Array(9).fill("retrying"), "disabled"]);
    expect(record.consecutiveFailures).toBe(10);
    expect(record.disabledReason?.category).toBe("timeout");
    expect(record.nextAttemptAt).toBeUndefined();
  });

  it("never disables a mailbox for a bug of the monitor's own", () => {
    const ours = makeFailure("invalid-response", { code: "internal-error", message: "The check stopped on an unexpected error: boom" });
    const outcome = applyCheck(mailbox({ consecutiveFailures: 9, state: "retrying" }), failedWith(ours), now, 1);
    expect(outcome.record).toMatchObject({ state: "retrying", consecutiveFailures: 9 });
    expect(outcome.alerts).toEqual([]);
  });

  it("disables at once on a permanent failure", () => {
    const outcome = applyCheck(mailbox(), failedWith(denied), now, 1);
    expect(outcome.record.state).toBe("disabled");
    expect(outcome.transition).toMatchObject({ kind: "disabled", reason: "permanent" });
    expect(outcome.alerts[0]!.message).toContain("ApplicationImpersonation");
    expect(outcome.alerts.map((a) => a.audiences)).toEqual([["mailbox", "owner"]]);
    expect(outcome.record.channels).toEqual(allFailed);
  });

  it("leaves a success alert on the first success after failures, and none for a steady mailbox", () => {
    const failing = applyCheck(mailbox(), failedWith(timeout), now, 1).record;
    const recovered = applyCheck(failing, succeeded, now, 2);
    expect(recovered.transition).toEqual({ kind: "recovered", after: 1 });
    expect(recovered.alerts.map((a) => a.kind)).toEqual(["mailbox-recovered"]);
    expect(recovered.record).toMatchObject({ state: "enabled", consecutiveFailures: 0, channels: allGood });
    expect(recovered.record.lastError).toBeUndefined();
    expect(applyCheck(recovered.record, succeeded, now, 3).alerts).toEqual([]);
  });

  it("records a newly discovered EWS URL with its discovery time", () => {
    const outcome = applyCheck(mailbox(), succeeded, now, 4);
    expect(outcome.record.ewsUrl).toBe("https://mail.contoso.com/EWS/Exchange.asmx");
    expect(outcome.record.ewsUrlDiscoveredAt).toBe(now.toISOString());
    expect(outcome.record.lastCycle).toBe(4);
  });

  it("probes approved mailboxes that are enabled, or retrying and due", () => {
    expect(isDue(mailbox(), now)).toBe(true);
    expect(isDue(mailbox({ approved: false }), now)).toBe(false);
    expect(isDue(mailbox({ state: "disabled" }), now)).toBe(false);
    expect(isDue(mailbox({ state: "pending-approval" }), now)).toBe(false);
    expect(isDue(mailbox({ state: "retrying", nextAttemptAt: "2026-11-24T10:00:01Z" }), now)).toBe(false);
    expect(isDue(mailbox({ state: "retrying", nextAttemptAt: "2026-11-24T10:00:00Z" }), now)).toBe(true);
  });
});
