import { describe, expect, it } from "vitest";
import type { Failure } from "../../lib/model/failure.js";
import { percentLabel, windowLabel } from "../../lib/notify/email-content.js";
import { renderAlertEmail, type AlertEmailInput } from "../../lib/notify/email.js";

const failure = (category: Failure["category"], message: string, remediation = `fix ${category}`): Failure => ({ category, code: "x", transient: false, message, remediation });

const input = (change: Partial<AlertEmailInput> = {}): AlertEmailInput => ({
  profile: { id: "contoso-ex2016", name: "Contoso Exchange 2016", owner: "crm-admin@contoso.com" },
  figures: { processed: 15, failed: 10, succeeded: 5, failurePercent: 66.67 },
  from: new Date("2025-03-04T09:05:00Z"),
  to: new Date("2025-03-04T10:05:00Z"),
  failing: Array.from({ length: 10 }, (_, i) => ({
    address: `user${i}@contoso.com`,
    lastFailureAt: "2025-03-04T09:50:00.000Z",
    lastError: i < 7 ? failure("impersonation-denied", "ErrorImpersonateUserDenied") : failure("mailbox-not-found", "ErrorNonExistentMailbox"),
  })),
  lastTestConnection: {
    at: "2025-03-04T10:00:00.000Z",
    ok: false,
    elapsedMs: 300,
    steps: [
      { step: "autodiscover", ok: true, elapsedMs: 120 },
      { step: "ews", ok: false, elapsedMs: 31, error: failure("basic-auth-disabled", "401 without Basic") },
      { step: "mailbox", ok: null, elapsedMs: 0 },
    ],
  },
  statusBaseUrl: "https://monitor.contoso.com",
  ...change,
});

describe("the alert email", () => {
  it("has the subject of the design: profile, percentage, counts and window, with a failed Test Connection's cause first", () => {
    expect(renderAlertEmail(input({ lastTestConnection: undefined })).subject).toBe(
      "[exchange-sync-monitor] Contoso Exchange 2016: 67% of mailboxes failed (10 of 15) 09:05–10:05 UTC",
    );
    expect(renderAlertEmail(input()).subject).toBe(
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
    const { text, html } = renderAlertEmail(input());
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
    const { text, html } = renderAlertEmail(input({ failing, figures: { processed: 30, failed: 23, succeeded: 7, failurePercent: 76.67 } }));
    expect(text).toContain("m19@contoso.com");
    expect(text).not.toContain("m20@contoso.com");
    expect(text).toContain("and 3 more");
    expect(html).toContain("and 3 more");
    expect(html).not.toContain("m20@contoso.com");
  });

  it("leaves the status link out when no base URL is configured, and says when Test Connection never ran", () => {
    const { text, html } = renderAlertEmail(input({ statusBaseUrl: undefined, lastTestConnection: undefined }));
    expect(text).not.toContain("/api/dashboard/");
    expect(html).not.toContain("/api/dashboard/");
    expect(text).toContain("has not run yet");
  });

  it("escapes every value in the HTML part", () => {
    const hostile = '<script>alert("x")</script>';
    const { html, subject } = renderAlertEmail(
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
