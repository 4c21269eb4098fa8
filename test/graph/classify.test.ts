import { describe, expect, it } from "vitest";
import { classifyGraphAnswer, isThrottled, readGraphError } from "../../lib/graph/classify.js";

const graphError = (code: string, message: string) => ({
  error: { code, message, innerError: { date: "2026-11-30T16:50:56", "request-id": "5f3c9d1e-0000-4000-8000-000000000001", "client-request-id": "6a2b7c3d-0000-4000-8000-000000000002" } },
});
const answer = (status: number, code: string, message = "words", headers: Record<string, string> = {}) => ({ status, headers, body: graphError(code, message) });
const ctx = { address: "jdoe@contoso.com", permission: "Calendars.ReadWrite", clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5" };

describe("Graph error classification", () => {
  it.each([
    [404, "ErrorInvalidUser", "The requested user 'jdoe@contoso.com' is invalid.", "mailbox-not-found", /jdoe@contoso.com/],
    [404, "ResourceNotFound", "Resource could not be discovered.", "mailbox-not-found", /primary SMTP address/],
    [404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.", "mailbox-not-in-cloud", /Get-Mailbox -Identity jdoe@contoso.com \| fl RecipientTypeDetails/],
    [403, "ErrorAccessDenied", "Access to OData is disabled.", "access-policy-denied", /Test-ApplicationAccessPolicy -Identity jdoe@contoso.com -AppId 0f4c8a2e.*Get-ApplicationAccessPolicy.*Add-DistributionGroupMember -Identity <ScopeName> -Member jdoe@contoso.com.*DenyAccess/],
    [403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", "permission-missing", /Calendars\.ReadWrite.*admin consent/],
    [403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "permission-missing", /Calendars\.ReadWrite/],
    [401, "InvalidAuthenticationToken", "Access token validation failure.", "auth-failed", /Microsoft Graph refused the app's token/],
  ])("%i %s (%s) → %s, non-transient, with remediation and Graph's request-id and date", (status, code, message, category, remediation) => {
    const failure = classifyGraphAnswer(answer(status, code, message), ctx);
    expect(failure).toMatchObject({ category, code, transient: false, requestId: "5f3c9d1e-0000-4000-8000-000000000001", date: "2026-11-30T16:50:56" });
    expect(failure.remediation).toMatch(remediation);
    expect(failure.message).toContain(message);
    expect(failure.message).toContain("request-id 5f3c9d1e-0000-4000-8000-000000000001");
  });

  it("reads the code, never the message: the same words under another code change nothing", () => {
    expect(classifyGraphAnswer(answer(403, "Authorization_RequestDenied", "Access to OData is disabled."), ctx).category).toBe("permission-missing");
    expect(classifyGraphAnswer(answer(404, "ErrorInvalidUser", "is hosted on-premise"), ctx).category).toBe("mailbox-not-found");
    expect(classifyGraphAnswer(answer(404, "MailboxNotEnabledForRESTAPI", "any words"), ctx).category).toBe("mailbox-not-in-cloud");
  });

  it("429 ApplicationThrottled and TooManyRequests are transient server-busy with the Retry-After", () => {
    for (const code of ["ApplicationThrottled", "TooManyRequests"]) {
      const failure = classifyGraphAnswer(answer(429, code, "slow down", { "retry-after": "7" }), ctx);
      expect(failure).toMatchObject({ category: "server-busy", code, transient: true, retryAfterMs: 7000 });
    }
  });

  it("503 ServiceUnavailable is server-busy too, with its Retry-After, as EWS's 503 is", () => {
    for (const code of ["ServiceUnavailable", "serviceNotAvailable"]) {
      expect(classifyGraphAnswer(answer(503, code, "try later", { "retry-after": "5" }), ctx)).toMatchObject({ category: "server-busy", code, transient: true, retryAfterMs: 5000 });
    }
    expect(classifyGraphAnswer({ status: 503, headers: { "retry-after": "3" }, body: Buffer.from("<html>Service Unavailable</html>") }, ctx)).toMatchObject({ category: "server-busy", code: "503", retryAfterMs: 3000 });
  });

  it("an answer asks to be sent again exactly when it is classified server-busy (the code first, then the status)", () => {
    const answers = [
      answer(429, "ApplicationThrottled"),
      answer(503, "TooManyRequests"),
      answer(429, "SomethingNew"),
      { status: 429, headers: {}, body: undefined },
      answer(429, "MailboxNotEnabledForRESTAPI"),
      answer(503, "ServiceUnavailable"),
      { status: 503, headers: {}, body: Buffer.from("busy") },
      answer(404, "ErrorInvalidUser"),
    ];
    expect(answers.map((a) => isThrottled(a))).toEqual([true, true, true, true, false, true, true, false]);
    for (const a of answers) expect(isThrottled(a)).toBe(classifyGraphAnswer(a, ctx).category === "server-busy");
  });

  it("falls back on the status when the code is unknown or there is no Graph error body", () => {
    expect(classifyGraphAnswer(answer(503, "SomethingNew"), ctx)).toMatchObject({ category: "server-busy", code: "SomethingNew", transient: true });
    expect(classifyGraphAnswer(answer(504, "SomethingNew"), ctx)).toMatchObject({ category: "http-status", code: "SomethingNew", transient: true });
    expect(classifyGraphAnswer({ status: 502, headers: {}, body: Buffer.from("<html>bad gateway</html>") }, ctx)).toMatchObject({ category: "http-status", code: "502", transient: true });
    expect(classifyGraphAnswer({ status: 401, headers: {}, body: undefined }, ctx)).toMatchObject({ category: "auth-failed", code: "401" });
    expect(classifyGraphAnswer(answer(400, "toString"), ctx)).toMatchObject({ category: "http-status", code: "toString", transient: false });
  });

  it("reads innerError from JSON text, and ignores what is not Graph's error shape", () => {
    expect(readGraphError(JSON.stringify(graphError("X", "y")))).toEqual({ code: "X", message: "y", requestId: "5f3c9d1e-0000-4000-8000-000000000001", clientRequestId: "6a2b7c3d-0000-4000-8000-000000000002", date: "2026-11-30T16:50:56" });
    const id = "5f3c9d1e-0000-4000-8000-00000000000a";
    expect(readGraphError({ error: { code: "X", innererror: { "request-id": id, date: "2026-11-30T16:50:56.1234567Z" } } })).toEqual({ code: "X", message: "", requestId: id, date: "2026-11-30T16:50:56.1234567Z" });
    // Kept outside the failure's redacted words, so only Graph's own shapes are kept: a server quoting a token back is not.
    expect(readGraphError({ error: { code: "X", innerError: { "request-id": "Bearer eyJ0eXAiOiJKV1Qi", "client-request-id": "r", date: "Bearer eyJ0eXAi" } } })).toEqual({ code: "X", message: "" });
    expect(readGraphError({ error: "nope" })).toBeUndefined();
    expect(readGraphError("not json")).toBeUndefined();
  });

  it("a field of the wrong type beside the code is named and left out; the code still decides", () => {
    const odd = (status: number, error: Record<string, unknown>) => classifyGraphAnswer({ status, headers: {}, body: { error } }, ctx);
    const invalidUser = odd(404, { code: "ErrorInvalidUser", message: "The requested user is invalid.", innerError: { date: 123, "request-id": "5f3c9d1e-0000-4000-8000-000000000001" } });
    expect(invalidUser).toMatchObject({ category: "mailbox-not-found", requestId: "5f3c9d1e-0000-4000-8000-000000000001" });
    expect(invalidUser.message).toMatch(/The requested user is invalid\..*left out of Graph's error, of the wrong type: innerError\.date$/);
    const policy = odd(403, { code: "ErrorAccessDenied", message: "Access to OData is disabled.", innerError: { "request-id": null, date: "2026-11-30T16:50:56" } });
    expect(policy).toMatchObject({ category: "access-policy-denied", date: "2026-11-30T16:50:56" });
    expect(policy.message).not.toMatch(/wrong type/);
    expect(odd(404, { code: "MailboxNotEnabledForRESTAPI", message: 42, innererror: "x" })).toMatchObject({ category: "mailbox-not-in-cloud", message: expect.stringMatching(/of the wrong type: message, innererror$/) });
  });
});
