import { describe, expect, it } from "vitest";
import { parseProfile } from "../../lib/config/profile.js";
import { jsonBodyOf } from "../../lib/http/request.js";
import { parseJsonText } from "../../lib/config/json-text.js";

const valid = {
  id: "contoso",
  name: "Contoso",
  serverType: "exchange-server",
  owner: "crm-admin@contoso.com",
  auth: { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" },
};

const problemsOf = (input: unknown) => {
  const parsed = parseProfile(input);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
};

describe("profile problems in an administrator's words (issue 15)", () => {
  it("a missing owner is required, not a malformed address", () => {
    const { owner: _o, ...input } = valid;
    expect(problemsOf(input)).toEqual(["owner: is required and must be an email address: the profile owner receives the alert emails"]);
    expect(problemsOf({ ...valid, owner: "nobody" })).toEqual(["owner: must be an email address: the profile owner receives the alert emails"]);
  });

  it("a missing auth.passwordSetting is required, without zod's raw text", () => {
    const problems = problemsOf({ ...valid, auth: { kind: "basic", username: "svc-crm@contoso.com" } });
    expect(problems).toEqual(["auth.passwordSetting: is required"]);
  });

  it("every other missing required field, a wrong type, a wrong choice", () => {
    const problems = problemsOf({ owner: "crm-admin@contoso.com", auth: { username: "svc-crm@contoso.com" }, maxConcurrentConnections: "5", api: "soap" });
    expect(problems.sort()).toEqual(
      [
        "id: is required",
        "name: is required",
        'serverType: is required: one of "exchange-server", "exchange-online", "exchange-online-hybrid"',
        'auth.kind: is required: one of "basic", "ntlm", "oauth"',
        "maxConcurrentConnections: must be a number (got text)",
        'api: must be one of "ews", "graph", "auto"',
      ].sort(),
    );
    for (const p of problems) expect(p).not.toMatch(/expected|received|Invalid/);
  });
});

describe("invalid JSON: the same line and column on the command line and over HTTP", () => {
  it("the HTTP API's invalid-json detail carries parseJsonText's words", async () => {
    const text = '{\n  "id": "contoso",\n  "name": "Contoso",,\n}';
    const cli = parseJsonText(text);
    expect(cli.ok).toBe(false);
    if (cli.ok) return;
    expect(cli.message).toMatch(/^is not valid JSON at line 3, column 21: /);
    const http = await jsonBodyOf({ text: async () => text }, { required: "a profile document" });
    expect(http.ok).toBe(false);
    if (http.ok) return;
    const body = JSON.parse(String(http.reply.body ?? JSON.stringify(http.reply.jsonBody))) as { error: { details: { message: string }[] } };
    expect(body.error.details[0]!.message).toContain(cli.message);
  });
});
