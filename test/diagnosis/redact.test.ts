import { describe, expect, it } from "vitest";
import { SecretBook } from "../../lib/auth/index.js";
import { redactorOf, secretForms } from "../../lib/diagnosis/redact.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

describe("redaction of secrets in a server's words", () => {
  it("removes every form of a secret: raw, URL-, form-, XML-, JSON-escaped, Base64", () => {
    const secret = 'p&ss w"rd/+1';
    const redact = redactorOf([secret]);
    for (const form of secretForms(secret)) expect(redact(`before ${form} after`)).toBe("before [redacted] after");
  });

  it("removes a secret form-encoded (~ and ! escaped too) or URL-encoded with lower-case hex digits, as .NET's UrlEncode writes it", () => {
    // Made anew in every run, with the characters that are escaped when encoded (+ / = ~ !).
    const secret = `${throwawaySecret("form-encoded")}+/=~!`;
    expect(redactorOf([secret])(`client_secret=${new URLSearchParams([["", secret]]).toString().slice(1)}&scope=x`)).toBe("client_secret=[redacted]&scope=x");
    const redact = redactorOf([secret]);
    const lower = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    expect(lower).toContain("%2b");
    expect(redact(`client_secret=${lower}&scope=x`)).toBe("client_secret=[redacted]&scope=x");
  });

  it("a book knows the password, user:password and its Base64, and learns header values and their credentials", () => {
    const book = new SecretBook(["hunter2-long", "svc@contoso.com:hunter2-long"]);
    const basic = Buffer.from("svc@contoso.com:hunter2-long").toString("base64");
    expect(book.redact(`Authorization: Basic ${basic}`)).toBe("Authorization: Basic [redacted]");
    expect(book.redact("token abc.def.ghi")).toBe("token abc.def.ghi");
    book.add("Bearer abc.def.ghi");
    expect(book.redact("token abc.def.ghi; header Bearer abc.def.ghi")).toBe("token [redacted]; header [redacted]");
    book.add("NTLM TlRMTVNTUAADAAAAGAAYAEAAAAA=");
    expect(book.redact("got TlRMTVNTUAADAAAAGAAYAEAAAAA")).toBe("got [redacted]");
  });

  it("keeps words that hold no secret, and short texts are checked against the short forms", () => {
    const redact = redactorOf(["x".repeat(400), "pw-1234"]);
    expect(redact("pw-1234")).toBe("[redacted]");
    expect(redact("nothing here")).toBe("nothing here");
  });
});
