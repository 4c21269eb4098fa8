import { describe, expect, it } from "vitest";
import type { FailureCategory } from "../../lib/model/failure.js";
import { classifyAutodiscoverError, classifyEwsError, classifyEwsResponseCode } from "../../lib/diagnosis/classify.js";
import { classifyHttpStatus, type HttpAnswer } from "../../lib/exchange/classify-http.js";
import { retryAfter } from "../../lib/net/index.js";
import { parseGetFolderResponse } from "../../lib/exchange/ews-getfolder.js";
import { fixture } from "./fixtures.js";

type Row = [code: string, category: FailureCategory, transient: boolean];

describe("classifyEwsResponseCode", () => {
  it.each<Row>([
    ["ErrorImpersonateUserDenied", "impersonation-denied", false],
    ["ErrorImpersonationFailed", "impersonation-denied", false],
    ["ErrorNonExistentMailbox", "mailbox-not-found", false],
    ["ErrorMailRecipientNotFound", "mailbox-not-found", false],
    ["ErrorNonPrimarySmtpAddress", "mailbox-not-found", false],
    ["ErrorServerBusy", "server-busy", true],
    ["ErrorAccessDenied", "access-denied", false],
    ["ErrorAccountDisabled", "auth-failed", false],
    ["ErrorConnectionFailed", "mailbox-moved", true],
    ["ErrorMailboxMoveInProgress", "mailbox-moved", true],
    ["ErrorSchemaValidation", "invalid-response", true],
    ["ErrorInvalidServerVersion", "unsupported-version", false],
    ["ErrorInternalServerError", "http-status", true],
    ["ErrorSomethingNew", "http-status", true],
  ])("%s → %s (transient %s)", (code, category, transient) => {
    const failure = classifyEwsResponseCode(code, "Exchange's own words.", {});
    expect(failure).toMatchObject({ category, code, transient, message: `EWS answered ${code}: Exchange's own words.` });
    expect(failure.remediation).not.toBe("");
  });

  it("carries BackOffMilliseconds as retryAfterMs for ErrorServerBusy only", () => {
    expect(classifyEwsResponseCode("ErrorServerBusy", "busy", {}, 297749).retryAfterMs).toBe(297749);
    expect(classifyEwsResponseCode("ErrorAccessDenied", "no", {}, 5000).retryAfterMs).toBeUndefined();
  });

  it("trims the code, clips long messages and names the mailbox in the remediation", () => {
    const failure = classifyEwsResponseCode("\n  ErrorImpersonateUserDenied \n", "x".repeat(5000), { address: "jdoe@contoso.com" });
    expect(failure.code).toBe("ErrorImpersonateUserDenied");
    expect(failure.message).toHaveLength("EWS answered ErrorImpersonateUserDenied: ".length + 300);
    expect(failure.message.endsWith("…")).toBe(true);
    expect(failure.remediation).toContain("jdoe@contoso.com");
  });

  it("classifies parsed faults end to end", () => {
    const answer = parseGetFolderResponse(500, fixture("ews-fault-server-busy.xml"));
    if (answer.kind !== "fault") throw new Error(answer.kind);
    expect(classifyEwsError(answer)).toMatchObject({ category: "server-busy", code: "ErrorServerBusy", transient: true, retryAfterMs: 297749 });
  });
});

describe("classifyAutodiscoverError", () => {
  it.each<Row>([
    ["500", "autodiscover-not-found", false],
    ["501", "autodiscover-error", false],
    ["600", "autodiscover-error", true],
    ["601", "autodiscover-error", true],
    ["603", "autodiscover-error", true],
    ["InvalidUser", "autodiscover-not-found", false],
    ["InvalidDomain", "autodiscover-not-found", false],
    ["ServerBusy", "server-busy", true],
    ["InternalServerError", "autodiscover-error", true],
    ["SettingIsNotAvailable", "autodiscover-error", true],
  ])("%s → %s (transient %s)", (code, category, transient) => {
    expect(classifyAutodiscoverError(code, "  The email address\n can't be found. ")).toEqual(
      expect.objectContaining({ category, code, transient, message: `Autodiscover answered ${code}: The email address can't be found.` }),
    );
  });

  it("says so when the server gave no words", () => {
    expect(classifyAutodiscoverError("500", "").message).toBe("Autodiscover answered 500.");
  });
});

describe("classifyHttpStatus", () => {
  const base = { headers: {}, authUsed: "basic", now: Date.parse("2025-01-01T00:00:00Z") } as const;
  const cases: Array<[string, Partial<HttpAnswer> & { status: number }, { category: FailureCategory; code: string; transient: boolean; retryAfterMs?: number }]> = [
    [
      "401 offering no Basic while probing with Basic",
      { status: 401, headers: { "WWW-Authenticate": ["Negotiate", "NTLM"] } },
      { category: "basic-auth-disabled", code: "401", transient: false },
    ],
    [
      "401 offering Basic among others (comma-joined)",
      { status: 401, headers: { "www-authenticate": 'Negotiate, NTLM, Basic realm="mail.contoso.com"' } },
      { category: "auth-failed", code: "401", transient: false },
    ],
    ["401 without any challenge", { status: 401 }, { category: "auth-failed", code: "401", transient: false }],
    [
      "401 to NTLM",
      { status: 401, authUsed: "ntlm", headers: { "www-authenticate": "Negotiate, NTLM" } },
      { category: "auth-failed", code: "401", transient: false },
    ],
    ["403", { status: 403 }, { category: "access-denied", code: "403", transient: false }],
    ["404", { status: 404 }, { category: "http-status", code: "404", transient: false }],
    ["400", { status: 400 }, { category: "http-status", code: "400", transient: false }],
    ["302 to a login page", { status: 302, headers: { location: "https://sts.contoso.com/adfs/ls" } }, { category: "http-status", code: "302", transient: false }],
    ["500 without a fault", { status: 500, body: "<html><body>Runtime Error</body></html>" }, { category: "http-status", code: "500", transient: true }],
    ["502", { status: 502 }, { category: "http-status", code: "502", transient: true }],
    ["503 Retry-After seconds", { status: 503, headers: { "Retry-After": "120" } }, { category: "server-busy", code: "503", transient: true, retryAfterMs: 120_000 }],
    [
      "503 Retry-After HTTP date",
      { status: 503, headers: { "retry-after": "Wed, 01 Jan 2025 00:05:00 GMT" } },
      { category: "server-busy", code: "503", transient: true, retryAfterMs: 300_000 },
    ],
    ["429 without Retry-After", { status: 429 }, { category: "server-busy", code: "429", transient: true }],
    [
      "200 HTML login page",
      { status: 200, headers: { "content-type": "text/html; charset=utf-8" } },
      { category: "invalid-response", code: "200", transient: true },
    ],
    ["200 HTML without a content type", { status: 200, body: "\n<!DOCTYPE html><html>" }, { category: "invalid-response", code: "200", transient: true }],
    [
      "500 with an EWS impersonation fault",
      { status: 500, body: fixture("ews-fault-impersonation.xml") },
      { category: "impersonation-denied", code: "ErrorImpersonateUserDenied", transient: false },
    ],
  ];

  it.each(cases)("%s", (_label, input, expected) => {
    const failure = classifyHttpStatus({ ...base, ...input });
    expect(failure).toBeDefined();
    expect({ ...failure, message: undefined, remediation: undefined }).toEqual({ ...expected, message: undefined, remediation: undefined });
  });

  it("lets XML through", () => {
    expect(classifyHttpStatus({ ...base, status: 200, headers: { "Content-Type": "text/xml; charset=utf-8" } })).toBeUndefined();
    expect(classifyHttpStatus({ ...base, status: 200, headers: new Headers({ "content-type": "application/xml" }) })).toBeUndefined();
  });

  it("puts the challenges and x-ms-diagnostics in a 401 message (Exchange Online)", () => {
    const headers = new Headers();
    headers.append("WWW-Authenticate", 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token"');
    headers.append("WWW-Authenticate", 'Basic Realm=""');
    headers.set("x-ms-diagnostics", '2000001;reason="The token has expired.";error_category="invalid_token"');
    const failure = classifyHttpStatus({ status: 401, headers, authUsed: "bearer", ctx: { serverType: "exchange-online" } });
    expect(failure?.category).toBe("auth-failed");
    expect(failure?.message).toBe(
      'HTTP 401 (bearer authentication refused); server offers: Bearer client_id="00000002-0000-0ff1-ce00-000000000000", ' +
        'error="invalid_token", Basic realm=""; x-ms-diagnostics: 2000001;reason="The token has expired.";error_category="invalid_token"',
    );
    expect(failure?.remediation).toContain("Exchange Online refused the app's token");
  });

  it("names what was offered when Basic is disabled", () => {
    const failure = classifyHttpStatus({ ...base, status: 401, headers: { "www-authenticate": "Negotiate, NTLM" } });
    expect(failure?.message).toBe("HTTP 401 (basic authentication refused); server offers: Negotiate, NTLM");
    expect(failure?.remediation).toContain("Basic authentication is not enabled");
  });

  it("quotes an error page's words and the diagnostics on a 403", () => {
    const failure = classifyHttpStatus({
      ...base,
      status: 403,
      headers: { "x-ms-diagnostics": "2000008;reason=\"EWS is disabled.\"" },
      body: "<html><head><style>p{}</style></head><body><h1>403 - Forbidden</h1><p>Access is denied.</p></body></html>",
      ctx: { serverType: "exchange-online" },
    });
    expect(failure?.message).toBe(
      'HTTP 403 Forbidden; x-ms-diagnostics: 2000008;reason="EWS is disabled."; page says: "403 - Forbidden Access is denied."',
    );
    expect(failure?.remediation).toContain("EwsApplicationAccessPolicy");
  });
});

describe("retryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    ["0", 0],
    ["  30 ", 30_000],
    ["Wed, 01 Jan 2025 00:00:10 GMT", 10_000],
    ["Tue, 31 Dec 2024 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    [undefined, undefined],
    // A server asking for more than an hour (a year, a date centuries away, more than a Date holds) gets an hour.
    ["31536000", 3_600_000],
    ["9999999999999", 3_600_000],
    ["Fri, 31 Dec 9999 23:59:59 GMT", 3_600_000],
  ])("%s → %s", (value, expected) => {
    expect(retryAfter(value, now)).toBe(expected);
  });
});
