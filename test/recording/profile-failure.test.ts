import { describe, expect, it } from "vitest";
import type { TestConnectionReport } from "../../lib/model/connection.js";
import type { Failure, FailureCategory } from "../../lib/model/failure.js";
import { profileFailureOf } from "../../lib/recording/profile-failure.js";

const failure = (category: FailureCategory): Failure => ({ category, code: "x", transient: false, message: "m", remediation: "r" });
const report = (failedStep: "autodiscover" | "ews" | "mailbox" | undefined, category: FailureCategory = "auth-failed"): TestConnectionReport => ({
  profile: "p",
  ok: failedStep === undefined,
  elapsedMs: 1,
  steps: (["autodiscover", "ews", "mailbox"] as const).map((step) =>
    step === failedStep ? { step, ok: false as const, elapsedMs: 1, error: failure(category) } : { step, ok: true as const, elapsedMs: 1 },
  ),
  mailboxes: [],
  certificates: [],
});

describe("profileFailureOf: which failed Test Connections fail the profile as a whole", () => {
  it("none when it passed", () => {
    expect(profileFailureOf(report(undefined), "2026-01-01T00:00:00.000Z", "exchange", 3)).toBeUndefined();
  });
  it("the first failed step of reaching Exchange or signing in", () => {
    expect(profileFailureOf(report("autodiscover", "connect-timeout"), "t", "exchange", 3)).toMatchObject({ step: "autodiscover", failure: { category: "connect-timeout" }, origin: "exchange", mailboxes: 3 });
    expect(profileFailureOf(report("mailbox", "impersonation-denied"), "t", "exchange", 3)).toMatchObject({ step: "mailbox" });
  });
  it("not the mailbox step failing for its one mailbox alone (that mailbox's own check says so)", () => {
    const aboutOne = ["mailbox-not-found", "mailbox-moved", "access-denied", "server-busy", "timeout", "connection-refused", "invalid-response", "mailbox-not-in-cloud"] as const;
    for (const c of aboutOne) expect(profileFailureOf(report("mailbox", c), "t", "exchange", 3)).toBeUndefined();
  });
  it("the mailbox step when the account itself is refused", () => {
    for (const c of ["auth-failed", "basic-auth-disabled", "permission-missing"] as const) expect(profileFailureOf(report("mailbox", c), "t", "exchange", 3)).toMatchObject({ step: "mailbox" });
  });
});
