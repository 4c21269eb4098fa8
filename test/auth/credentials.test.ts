import { tokenHostsOf } from "../../lib/auth/credentials.js";
import { inspect } from "node:util";
import { throwawaySecret } from "../../sim/index.js";
import { describe, expect, it } from "vitest";
import type { ProfileAuth } from "../../lib/config/profile.js";
import { resolveCredentials } from "../../lib/auth/index.js";

const basic: ProfileAuth = { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" };
const oauth: ProfileAuth = {
  kind: "oauth",
  tenantId: "11111111-2222-3333-4444-555555555555",
  clientId: "66666666-7777-8888-9999-000000000000",
  clientSecretSetting: "CONTOSO_APP_SECRET",
  cloud: "usgov",
};

describe("resolveCredentials", () => {
  it.each([{}, { CONTOSO_EWS_PASSWORD: "" }, { CONTOSO_EWS_PASSWORD: "   " }])("names the missing setting %o", (env) => {
    const result = resolveCredentials(basic, env);
    expect(!result.ok && result.failure).toMatchObject({ category: "credential-format", transient: false });
    expect(!result.ok && result.failure.message).toContain("CONTOSO_EWS_PASSWORD");
  });

  it("never shows a secret value, however the credentials are printed", () => {
    const password = throwawaySecret("contoso");
    const result = resolveCredentials(basic, { CONTOSO_EWS_PASSWORD: password });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.value)).not.toContain(password);
    expect(inspect(result.value, { depth: 5 })).not.toContain(password);
    expect(`${result.value.kind === "basic" ? result.value.password : ""}`).toBe("[secret]");
  });

  it("takes the authority host of the profile's cloud, or the test's override", () => {
    const env = { CONTOSO_APP_SECRET: throwawaySecret("app") };
    const gov = resolveCredentials(oauth, env);
    expect(gov.ok && gov.value).toMatchObject({ kind: "oauth", authorityHost: "https://login.microsoftonline.us" });
    const pub = resolveCredentials({ ...oauth, cloud: "public" }, env);
    expect(pub.ok && pub.value).toMatchObject({ authorityHost: "https://login.microsoftonline.com", scope: "https://outlook.office365.com/.default" });
    const china = resolveCredentials({ ...oauth, cloud: "china" }, env);
    expect(china.ok && china.value).toMatchObject({ authorityHost: "https://login.chinacloudapi.cn" });
    const test = resolveCredentials(oauth, env, { authorityHost: "https://login.sim.test" });
    expect(test.ok && test.value).toMatchObject({ authorityHost: "https://login.sim.test" });
  });

  it("checks that a certificate path setting names an existing file", () => {
    const auth: ProfileAuth = { ...oauth, clientSecretSetting: undefined, certificatePathSetting: "CONTOSO_APP_CERT" };
    const missing = resolveCredentials(auth, { CONTOSO_APP_CERT: "/nonexistent/app.pem" });
    expect(!missing.ok && missing.failure).toMatchObject({ category: "credential-format", code: "MISSING_CERTIFICATE_FILE" });
    const unset = resolveCredentials(auth, {});
    expect(!unset.ok && unset.failure.message).toContain("CONTOSO_APP_CERT");
  });
});

describe("the hosts a token request may go to", () => {
  it("are the authority's and, for a national authority, its aliases, whatever cloud the credentials name", () => {
    expect(tokenHostsOf({ authorityHost: "https://login.chinacloudapi.cn" })).toEqual(["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"]);
    expect(tokenHostsOf({ authorityHost: "https://login.chinacloudapi.cn/" })).toEqual(["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"]);
    expect(tokenHostsOf({ authorityHost: "https://login.microsoftonline.com" })).toEqual(["login.microsoftonline.com"]);
    expect(tokenHostsOf({ authorityHost: "https://login.sim.test" })).toEqual(["login.sim.test"]);
  });
});
