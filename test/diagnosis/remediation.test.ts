import { describe, expect, it } from "vitest";
import { plainRemediation, remediationFor, remediationParts, signInRemediation } from "../../lib/diagnosis/remediation.js";
import { failureCategories } from "../../lib/model/failure.js";

describe("remediation texts", () => {
  it("name the real service account and mailbox in the impersonation command, set off as code", () => {
    const text = remediationFor("impersonation-denied", { username: "svc-crm@contoso.com", address: "jdoe@contoso.com" });
    expect(text).not.toContain("<service account>");
    const code = remediationParts(text).filter((p) => p.kind === "code");
    expect(code.map((p) => p.text)).toEqual(["New-ManagementRoleAssignment -Role ApplicationImpersonation -User svc-crm@contoso.com"]);
  });

  it("for an app: no ApplicationImpersonation (retired in Exchange Online), no password advice, the app's id in the commands", () => {
    const app = { signsInAs: "app" as const, clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5", address: "jdoe@contoso.com" };
    const impersonation = remediationFor("impersonation-denied", { ...app, serverType: "exchange-online" });
    expect(impersonation).not.toContain("ApplicationImpersonation -User");
    expect(impersonation).toContain('-Role "Application EWS.AccessAsApp"');
    expect(impersonation).toContain("Test-ApplicationAccessPolicy -Identity jdoe@contoso.com -AppId 0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5");
    const onPremises = remediationFor("auth-failed", { ...app, serverType: "exchange-online-hybrid", host: "mail.contoso.com", secretSetting: "CONTOSO_SECRET" });
    expect(onPremises).toContain("hybrid modern authentication");
    expect(onPremises).not.toMatch(/password|locked/);
    const online = remediationFor("auth-failed", { ...app, serverType: "exchange-online-hybrid", host: "outlook.office365.com" });
    expect(online).toContain("full_access_as_app");
    const tasks = remediationFor("permission-missing", { ...app, permission: "Tasks.ReadWrite.All" });
    expect(tasks).toContain("App registrations > 0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5 > API permissions");
    expect(tasks).not.toContain("New-ManagementRoleAssignment");
    const calendars = remediationFor("permission-missing", { ...app, permission: "Calendars.ReadWrite" });
    expect(calendars).toContain('-Role "Application Calendars.ReadWrite" -CustomResourceScope');
  });

  it("name what Entra refused at sign-in: the secret's setting, the app, the tenant", () => {
    const app = { tenantId: "t-1", clientId: "c-1", authorityHost: "https://login.microsoftonline.com", kind: "client-secret" as const, setting: "TAILSPIN_CLIENT_SECRET" };
    expect(signInRemediation("AADSTS7000222", app)).toMatch(/client secret has expired.*`TAILSPIN_CLIENT_SECRET`/);
    expect(signInRemediation("AADSTS7000215", app)).toMatch(/`TAILSPIN_CLIENT_SECRET` must hold the secret's value \(not its secret ID\) of app c-1/);
    expect(signInRemediation("AADSTS700016", app)).toContain("Tenant t-1 has no app c-1");
    expect(signInRemediation("AADSTS90002", app)).toContain("no tenant t-1");
    expect(signInRemediation("AADSTS999999", app)).toContain("(AADSTS999999)");
    expect(signInRemediation("AADSTS700024", app)).toContain("clock");
    for (const code of ["AADSTS7000222", "AADSTS7000215", "AADSTS700027", "AADSTS700024", "AADSTS700016", "AADSTS90002", "AADSTS7000112", "X"]) {
      const text = signInRemediation(code, app);
      expect((text.match(/`/g) ?? []).length % 2).toBe(0);
      expect(text).not.toMatch(/Exchange Online refused|full_access_as_app/);
    }
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
