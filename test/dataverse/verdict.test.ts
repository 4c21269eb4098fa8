import { describe, expect, it } from "vitest";
import {
  classifyAgreement,
  countAgreements,
  crmCauseOf,
  describeCause,
  dynamicsVerdictOf,
  lastTestOf,
  probeOverallOf,
  type ProbeOverall,
} from "../../lib/dataverse/verdict.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { dvId, dvMailbox, type DvMailbox } from "../../sim/dataverse/index.js";

const now = Date.parse("2026-11-30T12:00:00Z");
const verdict = (fields: Partial<DvMailbox> = {}) => dynamicsVerdictOf(dvMailbox({ mailboxid: dvId(0x3b, 1), emailaddress: "a@contoso.com", _emailserverprofile_value: dvId(0xe5, 1), ...fields }));
const failing = { incomingemailstatus: 2 } as const;
const pass: ProbeOverall = { kind: "pass" };
const fails: ProbeOverall = { kind: "fail", category: "mailbox-not-found" };

describe("Dynamics' verdict beside the probe's", () => {
  it("reads the three statuses, approvals, times and the last sync error", () => {
    const v = verdict({ incomingemailstatus: 2, outgoingemailstatus: 0, actstatus: 1, emailrouteraccessapproval: 3, lastsyncerror: "boom", lastsyncerrorcode: -5, lastsyncerrorcount: 3, transientfailurecount: null, postponemailboxprocessinguntil: "2026-11-30T14:00:00Z" });
    expect(v.statuses).toEqual({ incoming: "failure", outgoing: "not-run", appointmentsContactsTasks: "success" });
    expect(v.approval).toBe("rejected");
    expect(v.lastSyncError).toEqual({ message: "boom", code: -5, count: 3, occurredOn: null });
    expect(v.transientFailureCount).toBe(0);
    expect(v.postponedUntil).toBe("2026-11-30T14:00:00Z");
  });

  it("classifies the four agreements, and leaves a mailbox without one side's verdict uncompared", () => {
    expect(classifyAgreement(verdict(failing), fails, "exchange-server", now)).toEqual({ kind: "both-fail" });
    expect(classifyAgreement(verdict(), fails, "exchange-server", now)).toEqual({ kind: "probe-fails-dynamics-passes" });
    expect(classifyAgreement(verdict(), pass, "exchange-server", now)).toEqual({ kind: "both-pass" });
    expect(classifyAgreement(verdict({ ...failing, lastsyncerror: "x" }), pass, "exchange-server", now)).toEqual({
      kind: "dynamics-fails-probe-passes",
      cause: { kind: "last-sync-error", message: "x", code: null },
    });
    const notRun = { incomingemailstatus: 0, outgoingemailstatus: 0, actstatus: 0 };
    expect(classifyAgreement(verdict(notRun), fails, "exchange-server", now)).toEqual({ kind: "not-compared", missing: "dynamics" });
    expect(classifyAgreement(verdict({ ...failing, emailrouteraccessapproval: 2 }), { kind: "not-probed", reason: "not-approved" }, "exchange-server", now)).toEqual({
      kind: "not-compared",
      missing: "probe",
      probeReason: "not-approved",
      cause: { kind: "not-approved", approval: "pending" },
    });
  });

  it("says which CRM cause explains a Dynamics failure, most decisive first", () => {
    const cause = (fields: Partial<DvMailbox>, type: "exchange-server" | "exchange-online" = "exchange-server") => crmCauseOf(verdict({ ...failing, ...fields }), type, now).kind;
    const everything = { emailrouteraccessapproval: 0, isemailaddressapprovedbyo365admin: false, enabledforincomingemail: false, postponemailboxprocessinguntil: "2026-11-30T13:00:00Z", lastsyncerror: "e" };
    expect(cause(everything, "exchange-online")).toBe("not-approved");
    expect(cause({ ...everything, emailrouteraccessapproval: 1 }, "exchange-online")).toBe("pending-microsoft-365-admin-approval");
    expect(cause({ ...everything, emailrouteraccessapproval: 1 }, "exchange-server")).toBe("mailbox-settings");
    expect(cause({ ...everything, emailrouteraccessapproval: 1, enabledforincomingemail: true })).toBe("postponed");
    expect(cause({ ...everything, emailrouteraccessapproval: 1, enabledforincomingemail: true, postponemailboxprocessinguntil: "2026-11-30T11:00:00Z" })).toBe("last-sync-error");
    expect(cause({})).toBe("unexplained");
    expect(describeCause(crmCauseOf(verdict({ ...failing, enabledforoutgoingemail: false }), "exchange-server", now))).toMatch(/switch off outgoing email/);
  });

  it("reads the probe's last word from the stored mailbox", () => {
    const base: MailboxRecord = {
      profileId: "p",
      address: "a@contoso.com",
      approved: true,
      wanted: { incoming: true, outgoing: true, appointmentsContactsTasks: true },
      state: "enabled",
      channels: { incoming: "not-run", outgoing: "not-run", appointmentsContactsTasks: "not-run" },
      consecutiveFailures: 0,
    };
    const error = { category: "timeout" as const, code: "x", transient: true, message: "m", remediation: "r" };
    expect(probeOverallOf(undefined)).toEqual({ kind: "not-probed", reason: "not-yet" });
    expect(probeOverallOf(base)).toEqual({ kind: "not-probed", reason: "not-yet" });
    expect(probeOverallOf({ ...base, approved: false, state: "pending-approval" })).toEqual({ kind: "not-probed", reason: "not-approved" });
    expect(probeOverallOf({ ...base, lastCheckedAt: "2026-11-30T11:00:00Z", lastSuccessAt: "2026-11-30T11:00:00Z", lastError: error })).toEqual({ kind: "pass" });
    expect(probeOverallOf({ ...base, lastCheckedAt: "2026-11-30T11:05:00Z", lastSuccessAt: "2026-11-30T11:00:00Z", lastError: error })).toEqual({ kind: "fail", category: "timeout" });
    expect(probeOverallOf({ ...base, state: "retrying", lastCheckedAt: "2026-11-30T11:05:00Z", lastError: { ...error, code: "internal-error" } })).toEqual({ kind: "not-probed", reason: "monitor-error" });
    expect(probeOverallOf({ ...base, state: "disabled", disabledReason: { ...error, category: "mailbox-not-found" } })).toEqual({ kind: "fail", category: "mailbox-not-found" });
  });

  it("counts each class and reads the last Test Connection", () => {
    const counts = countAgreements([{ kind: "both-fail" }, { kind: "both-fail" }, { kind: "both-pass" }, { kind: "not-compared", missing: "dynamics" }]);
    expect(counts).toEqual({ "both-fail": 2, "dynamics-fails-probe-passes": 0, "probe-fails-dynamics-passes": 0, "both-pass": 1, "not-compared": 1 });
    expect([0, 1, 2, null, 9].map(lastTestOf)).toEqual(["failure", "success", "warning", "not-run", "not-run"]);
  });
});
