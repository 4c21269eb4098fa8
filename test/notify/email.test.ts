import { describe, expect, it } from "vitest";
import type { Failure } from "../../lib/model/failure.js";
import { percentLabel, windowLabel } from "../../lib/notify/email-content.js";
import type { CheckedReadiness } from "../../lib/model/readiness.js";
import { checkedReadiness } from "../support/readiness.js";
import { noAgreements, type DynamicsProfileSummary } from "../../lib/model/dynamics.js";
import type { TestConnectionSummary } from "../../lib/model/summary.js";
import { renderEmail, type EmailInput } from "../../lib/notify/email.js";
import { enabledMailbox } from "../support/mailbox-record.js";

const failure = (category: Failure["category"], message: string, remediation = `fix ${category}`): Failure => ({ category, code: "x", transient: false, message, remediation });

const failedRun: TestConnectionSummary = {
  at: "2025-03-04T10:00:00.000Z",
  ok: false,
  elapsedMs: 300,
  steps: [
    { step: "autodiscover", ok: true, elapsedMs: 120 },
    { step: "ews", ok: false, elapsedMs: 31, error: failure("basic-auth-disabled", "401 without Basic") },
    { step: "mailbox", ok: null, elapsedMs: 0 },
  ],
};

/** An alert; `lastTestConnection` goes to the summary (null: none). */
const input = ({ lastTestConnection = failedRun, ...change }: Partial<EmailInput> & { lastTestConnection?: TestConnectionSummary | null } = {}): EmailInput => ({
  kind: "alert",
  profile: { id: "contoso-ex2016", name: "Contoso Exchange 2016", owner: "crm-admin@contoso.com" },
  figures: { processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67 },
  from: new Date("2025-03-04T09:05:00Z"),
  to: new Date("2025-03-04T10:05:00Z"),
  failing: Array.from({ length: 10 }, (_, i) => ({
    address: `user${i}@contoso.com`,
    lastFailureAt: "2025-03-04T09:50:00.000Z",
    lastError: i < 7 ? failure("impersonation-denied", "ErrorImpersonateUserDenied") : failure("mailbox-not-found", "ErrorNonExistentMailbox"),
  })),
  summary: lastTestConnection === null ? {} : { lastTestConnection },
  statusBaseUrl: "https://monitor.contoso.com",
  ...change,
});

describe("the alert email", () => {
  it("has the subject of the design: profile, percentage, counts and window, with a failed Test Connection's cause first", () => {
    expect(renderEmail(input({ lastTestConnection: null })).subject).toBe(
      "[exchange-sync-monitor] Contoso Exchange 2016: 67% of mailboxes failed (10 of 15) 09:05–10:05 UTC",
    );
    expect(renderEmail(input()).subject).toBe(
      "[exchange-sync-monitor] Contoso Exchange 2016: Test Connection failed (basic-auth-disabled), 67% of mailboxes failed (10 of 15) 09:05–10:05 UTC",
    );
  });

  it("never rounds a qualifying percentage down to 50% or a partial one up to 100%", () => {
    expect(percentLabel(501, 1000)).toBe("50.1%");
    expect(percentLabel(999, 1000)).toBe("99.9%");
    expect(percentLabel(30, 40)).toBe("75%");
    expect(percentLabel(1, 1)).toBe("100%");
    expect(windowLabel(new Date("2025-03-04T23:30:00Z"), new Date("2025-03-05T00:30:00Z"))).toBe("2025-03-04 23:30–2025-03-05 00:30 UTC");
  });

  it("says the counts, the failures by diagnosis with remediation, the steps and the status URL in both parts", () => {
    const { text, html } = renderEmail(input());
    for (const part of [text, html]) {
      expect(part).toContain("impersonation-denied");
      expect(part).toContain("fix impersonation-denied");
      expect(part).toContain("fix mailbox-not-found");
      expect(part).toContain("user9@contoso.com");
      expect(part).toContain("basic-auth-disabled");
      expect(part).toContain("not run");
      expect(part).toContain("https://monitor.contoso.com/api/dashboard/contoso-ex2016");
    }
    expect(text).toMatch(/impersonation-denied: 7 mailboxes[\s\S]*mailbox-not-found: 3 mailboxes/);
    expect(text).toContain("Processed 15, failed 10, succeeded 5");
  });

  it("lists at most 20 mailboxes and counts the rest", () => {
    const failing = Array.from({ length: 23 }, (_, i) => ({ address: `m${i}@contoso.com`, lastFailureAt: "2025-03-04T09:50:00.000Z" }));
    const { text, html } = renderEmail(input({ failing, figures: { processed: 30, failed: 23, succeeded: 7, failurePercent: 76.67 } }));
    expect(text).toContain("m19@contoso.com");
    expect(text).not.toContain("m20@contoso.com");
    expect(text).toContain("and 3 more");
    expect(html).toContain("and 3 more");
    expect(html).not.toContain("m20@contoso.com");
  });

  it("leaves the status link out when no base URL is configured, and says when Test Connection never ran", () => {
    const { text, html } = renderEmail(input({ statusBaseUrl: undefined, lastTestConnection: null }));
    expect(text).not.toContain("/api/dashboard/");
    expect(html).not.toContain("/api/dashboard/");
    expect(text).toContain("has not run yet");
  });

  it("escapes every value in the HTML part", () => {
    const hostile = '<script>alert("x")</script>';
    const { html, subject } = renderEmail(
      input({
        profile: { id: "p", name: `Contoso <b>bold</b>\r\nBcc: evil@example.com`, owner: "o@contoso.com" },
        failing: [{ address: `${hostile}@contoso.com`, lastFailureAt: "2025-03-04T09:50:00.000Z", lastError: failure("auth-failed", hostile, `'${hostile}'`) }],
      }),
    );
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;@contoso.com");
    expect(html).toContain("&#39;&lt;script&gt;");
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe("what the owner email says (issue 15)", () => {
  const impersonation = failure(
    "impersonation-denied",
    "The account does not have permission to impersonate the requested user",
    "The service account may not impersonate user0@contoso.com. Assign it the ApplicationImpersonation role (`New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@contoso.com`) with a scope that includes this mailbox.",
  );
  const failing = [
    { address: "user0@contoso.com", lastFailureAt: "2025-03-04T09:50:00.000Z", lastError: impersonation },
    { address: "user1@contoso.com", lastFailureAt: "2025-03-04T09:55:00.000Z", lastError: impersonation },
  ];
  const mailboxes = [
    enabledMailbox("contoso-ex2016", "user0@contoso.com", { state: "disabled", consecutiveFailures: 10 }),
    enabledMailbox("contoso-ex2016", "user1@contoso.com", { state: "retrying", consecutiveFailures: 3, nextAttemptAt: "2025-03-04T10:35:00.000Z" }),
  ];
  const passed = { at: "2025-03-04T10:00:00.000Z", ok: true, elapsedMs: 120, steps: [{ step: "autodiscover" as const, ok: true as const, elapsedMs: 120 }] };
  const base = (change: Partial<EmailInput> = {}): EmailInput => ({
    kind: "alert",
    profile: { id: "contoso-ex2016", name: "Contoso Exchange 2016", owner: "crm-admin@contoso.com", serviceAccount: "svc-crm@contoso.com" },
    figures: { processed: 3, failed: 2, succeeded: 1, failurePercent: 66.67 },
    from: new Date("2025-03-04T09:05:00Z"),
    to: new Date("2025-03-04T10:05:00Z"),
    failing,
    mailboxes,
    summary: { lastTestConnection: passed },
    statusBaseUrl: "https://monitor.contoso.com",
    ...change,
  });

  it("shows each failing mailbox's state and the Test & Enable step after a fix, in both parts", () => {
    const { text, html } = renderEmail(base());
    expect(text).toContain("user0@contoso.com (impersonation-denied): The account does not have permission to impersonate the requested user. State: disabled after 10 failures; not tried again until Test & Enable.");
    expect(text).toContain("State: retrying (3 failures), next try 2025-03-04 10:35 UTC.");
    expect(html).toContain('<strong>retrying</strong> (3 failures), next try <span style="white-space:nowrap">2025-03-04 10:35 UTC</span>');
    for (const part of [text, html]) {
      expect(part).toContain("After the fix: run Test &");
      expect(part).toContain("Test &" + (part === html ? "amp;" : "") + " Enable Mailboxes");
    }
    expect(text).toContain(
      `\`curl -X POST "https://monitor.contoso.com/api/profiles/contoso-ex2016/mailboxes/test-and-enable" -H "x-functions-key: <admin key>" -H "Content-Type: application/json" -d '{"addresses":["user0@contoso.com","user1@contoso.com"]}'\``,
    );
  });

  it("puts a failed Test Connection first, as the root cause, before the figures", () => {
    const failedRun = {
      at: "2025-03-04T10:00:00.000Z",
      ok: false,
      elapsedMs: 300,
      steps: [{ step: "autodiscover" as const, ok: false as const, elapsedMs: 300, error: failure("auth-failed", "Exchange answered 401 to every Autodiscover endpoint", "Check the password in `CONTOSO_EWS_PASSWORD`.") }, { step: "ews" as const, ok: null, elapsedMs: 0 }],
    };
    const { text, html } = renderEmail(base({ summary: { lastTestConnection: failedRun } }));
    for (const part of [text, html]) {
      const cause = part.indexOf("Root cause: Test Connection failed");
      expect(cause).toBeGreaterThan(0);
      expect(cause).toBeLessThan(part.indexOf("67% of the mailboxes"));
      expect(part.indexOf("Exchange answered 401 to every Autodiscover endpoint.")).toBeLessThan(part.indexOf("Failures by diagnosis"));
    }
    expect(html).toContain('<code style="font-family:Consolas');
    expect(html).toMatch(/<code [^>]*>CONTOSO_EWS_PASSWORD<\/code>/);
  });

  it("leads with the cycle's profile-level failure, and says when the fault is the monitor's own setup", () => {
    const missing = failure("credential-format", "The app setting LITWARE_PASSWORD is not set", "Set the app setting `LITWARE_PASSWORD` to the service account's password.");
    const { text, html, subject } = renderEmail(
      base({
        figures: { processed: 2, failed: 2, succeeded: 0, failurePercent: 100 },
        profileFailure: { at: "2025-03-04T10:00:00.000Z", step: "autodiscover", failure: missing, origin: "setup", mailboxes: 2 },
      }),
    );
    expect(subject).toBe("[exchange-sync-monitor] Contoso Exchange 2016: Test Connection failed (credential-format), 100% of mailboxes failed (2 of 2) 09:05–10:05 UTC");
    expect(text.indexOf("Root cause: Test Connection failed")).toBeLessThan(text.indexOf("100% of the mailboxes"));
    expect(text).toContain("Test Connection failed at the autodiscover step at 2025-03-04 10:00 UTC: credential-format");
    expect(text).toContain("That is the root cause, so no mailbox of this profile could be checked and all 2 count as failed for that cycle.");
    expect(text).toContain("What to do: Set the app setting `LITWARE_PASSWORD` to the service account's password.");
    expect(text).toContain("This is the monitor's own setup, not Exchange: no mailbox was disabled for it");
    expect(html).toMatch(/<code [^>]*>LITWARE_PASSWORD<\/code>/);
  });

  it("names the real service account in commands and sets commands in monospace", () => {
    const old = failure("impersonation-denied", "denied", "Assign the role (New-ManagementRoleAssignment -Role ApplicationImpersonation -User <service account>) with a scope that includes this mailbox.");
    const { text, html } = renderEmail(base({ failing: [{ address: "user0@contoso.com", lastFailureAt: "2025-03-04T09:50:00.000Z", lastError: old }] }));
    expect(text).toContain("(`New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@contoso.com`) with a scope");
    expect(html).toMatch(/<code [^>]*>New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@contoso.com<\/code>\) with a scope/);
    expect(text + html).not.toContain("<service account>");
  });

  it("ends every quoted message with a full stop and never lets a time wrap in the HTML part", () => {
    const unpunctuated = failure("autodiscover-failed", "No Autodiscover endpoint answered; no credentials were sent there", "fix it");
    const { text, html } = renderEmail(base({ failing: [{ address: "user0@contoso.com", lastFailureAt: "2025-03-04T09:50:00.000Z", lastError: unpunctuated }] }));
    expect(text).toContain("no credentials were sent there. State:");
    expect(text).toContain("What to do: fix it.");
    const times = [...html.matchAll(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g)];
    expect(times.length).toBeGreaterThan(3);
    for (const t of times) expect(html.slice(0, t.index).endsWith('<span style="white-space:nowrap">')).toBe(true);
  });

  it("shows EWS readiness only when something is missing, and Dynamics' verdict beside the probe's", () => {
    const readiness = checkedReadiness({
      ewsReason: "EwsEnabled is false for the organization",
      ewsDaysLeft: 487,
      graphPermissions: { status: "checked", granted: ["Mail.ReadWrite"], missing: ["Calendars.ReadWrite", "Contacts.ReadWrite"] },
      speaksFor: { kind: "sync-app", app: { tenantId: "t", clientId: "c" } },
      checkedAt: "2025-03-04T06:00:00.000Z",
    });
    const dynamics: DynamicsProfileSummary = {
      source: { kind: "dataverse", environment: "https://contoso.crm.dynamics.com", id: "0f0e", name: "Contoso Exchange 2016", servertype: 0 },
      credentials: "mapped",
      lastTest: { status: "failure", startedAt: "2025-03-04T08:00:00.000Z", response: "The email server profile could not connect" },
      agreement: { ...noAgreements(), "both-fail": 2, "both-pass": 1 },
      countedAt: "2025-03-04T10:00:00.000Z",
    };
    const { text, html } = renderEmail(base({ summary: { lastTestConnection: passed, readiness, dynamics } }));
    for (const part of [text, html]) {
      expect(part).toContain("EWS readiness: something is missing");
      expect(part).toContain("blocked by policy");
      expect(part).toContain("Calendars.ReadWrite");
      expect(part).toContain("Dynamics 365&#39;s verdict".replace("&#39;", part === html ? "&#39;" : "'"));
      expect(part).toContain("both fail (Exchange side)");
      expect(part).toContain("The email server profile could not connect.");
    }
    const allowed = renderEmail(base({ summary: { lastTestConnection: passed, readiness: { ...readiness, ews: "allowed", graphPermissions: { status: "checked", granted: ["Mail.ReadWrite"], missing: [] } } } }));
    expect(allowed.text).not.toContain("EWS readiness");
  });

  it("says whose readiness answers these are: synchronization's own app, or the monitor's with synchronization's named", () => {
    const tenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
    const monitor = { tenantId: tenant, clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5" };
    const sync = { tenantId: tenant, clientId: "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e" };
    const readiness = (speaksFor: CheckedReadiness["speaksFor"]): CheckedReadiness => ({
      ews: "disabled",
      ewsShutdown: "2027-04-01",
      ewsDaysLeft: 120,
      graphPermissions: { status: "checked", granted: [], missing: [] },
      speaksFor,
      checkedAt: "2025-03-04T06:00:00.000Z",
      checkedBy: "test-connection",
    });
    const own = renderEmail(base({ summary: { lastTestConnection: passed, readiness: readiness({ kind: "sync-app", app: monitor }) } }));
    expect(own.text).toContain(`Speaks for: server-side synchronization itself: the monitor signed in as synchronization's own app ${monitor.clientId} in tenant ${tenant}.`);
    const other = renderEmail(base({ summary: { lastTestConnection: passed, readiness: readiness({ kind: "monitor-app", app: monitor, syncApp: sync }) } }));
    const words = `Speaks for: the monitor's app, not synchronization's: synchronization uses app ${sync.clientId}; the monitor signed in as app ${monitor.clientId} (both in tenant ${tenant}), so these answers are for app ${monitor.clientId} — check app ${sync.clientId} the same way.`;
    expect(other.text).toContain(words);
    expect(other.html).toContain(words.replaceAll("'", "&#39;"));
    const unknown = renderEmail(base({ summary: { lastTestConnection: passed, readiness: readiness({ kind: "monitor-app", app: monitor, syncApp: "unknown" }) } }));
    expect(unknown.text).toContain(`Speaks for: the monitor's app ${monitor.clientId} in tenant ${tenant} only: which app registration synchronization uses is not known`);
  });

  it("puts Dynamics' verdict beside the probe's for each failing mailbox, and lists the CRM-side ones", () => {
    const dynamics: DynamicsProfileSummary = {
      source: { kind: "dataverse", environment: "https://contoso.crm.dynamics.com", id: "0f0e", name: "Contoso Exchange 2016", servertype: 0 },
      credentials: "mapped",
      agreement: { ...noAgreements(), "both-fail": 1, "dynamics-fails-probe-passes": 1 },
      countedAt: "2025-03-04T10:00:00.000Z",
    };
    const { text, html } = renderEmail(
      base({
        summary: { lastTestConnection: passed, dynamics },
        dynamicsMailboxes: [
          { address: "user0@contoso.com", agreement: "both-fail", explanation: "Both fail: the cause is on the Exchange side", reason: "the cause is on the Exchange side" },
          { address: "crm-only@contoso.com", agreement: "dynamics-fails-probe-passes", explanation: "Dynamics fails with 'mailbox not approved'; the probe reaches it" },
        ],
      }),
    );
    expect(text).toContain("State: disabled after 10 failures; not tried again until Test & Enable. Dynamics 365: both fail (Exchange side): the cause is on the Exchange side.");
    expect(text).toContain("user1@contoso.com (impersonation-denied)");
    expect(text).toMatch(/user1@contoso\.com .* Dynamics 365: not compared\. Last failure/);
    expect(html).toContain("<th");
    expect(html).toContain("Dynamics 365 beside the probe");
    expect(text).toContain("- crm-only@contoso.com: Dynamics fails with 'mailbox not approved'; the probe reaches it.");
  });

  it("links to the dashboard without any key", () => {
    const { text, html } = renderEmail(base());
    expect(text).toContain("Dashboard (open it with your function key): https://monitor.contoso.com/api/dashboard/contoso-ex2016");
    expect(text + html).not.toMatch(/code=|x-functions-key: (?!(&lt;|<)admin key(&gt;|>))/);
  });

  it("says what each kind of email is about", () => {
    const previous = { kind: "alert" as const, at: "2025-03-04T09:05:00.000Z" };
    expect(renderEmail(base({ kind: "reminder", previous })).subject).toBe("[exchange-sync-monitor] Still failing: Contoso Exchange 2016: 67% of mailboxes failed (2 of 3) 09:05–10:05 UTC");
    expect(renderEmail(base({ kind: "reminder", previous })).text).toContain("The last email about this profile went out at 2025-03-04 09:05 UTC.");
    const recovered = renderEmail(base({ kind: "recovered", previous, failing: [], figures: { processed: 3, failed: 0, succeeded: 3, failurePercent: 0 } }));
    expect(recovered.subject).toBe("[exchange-sync-monitor] Recovered: Contoso Exchange 2016: 0% of mailboxes failed (0 of 3) 09:05–10:05 UTC");
    expect(recovered.text).toContain("the alert is closed");
    expect(recovered.text).not.toContain("After the fix");
    expect(recovered.text).toContain("1 mailbox is still disabled and no longer checked");
    const stale = renderEmail(base({ kind: "stale", lastCycleAt: "2025-03-04T07:55:00.000Z" }));
    expect(stale.subject).toBe("[exchange-sync-monitor] Stale: Contoso Exchange 2016: no completed probe cycle since 2025-03-04 07:55 UTC");
    expect(stale.text).toContain("No probe cycle of this profile has completed since 2025-03-04 07:55 UTC (2 h 10 min ago).");
    expect(stale.text).not.toContain("Failing mailboxes");
  });
});
