import { describe, expect, it } from "vitest";
import { plainRemediation, remediationFor, remediationParts } from "../../lib/diagnosis/remediation.js";
import { failureCategories } from "../../lib/model/failure.js";

describe("remediation texts", () => {
  it("name the real service account and mailbox in the impersonation command, set off as code", () => {
    const text = remediationFor("impersonation-denied", { username: "svc-crm@contoso.com", address: "jdoe@contoso.com" });
    expect(text).not.toContain("<service account>");
    const code = remediationParts(text).filter((p) => p.kind === "code");
    expect(code.map((p) => p.text)).toEqual(["New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@contoso.com"]);
  });

  it("name the host in the Basic authentication command", () => {
    const text = remediationFor("basic-auth-disabled", { host: "mail.northwind.com" });
    expect(remediationParts(text).find((p) => p.kind === "code")?.text).toBe(
      "Get-WebServicesVirtualDirectory -Server mail.northwind.com | Set-WebServicesVirtualDirectory -BasicAuthentication $true",
    );
  });

  it.each(failureCategories)("%s: backticks come in pairs and every text ends a sentence", (category) => {
    const text = remediationFor(category, { username: "svc-crm@contoso.com", address: "jdoe@contoso.com", host: "mail.contoso.com" });
    expect((text.match(/`/g) ?? []).length % 2).toBe(0);
    expect(plainRemediation(text)).not.toContain("`");
    expect(text).toMatch(/[.)]$/);
  });

  it("splits text and code, an unmatched backtick staying text", () => {
    expect(remediationParts("Run `a -b` then `c`.")).toEqual([
      { kind: "text", text: "Run " },
      { kind: "code", text: "a -b" },
      { kind: "text", text: " then " },
      { kind: "code", text: "c" },
      { kind: "text", text: "." },
    ]);
    expect(remediationParts("it's ` odd")).toEqual([{ kind: "text", text: "it's ` odd" }]);
  });
});
