import { describe, expect, it } from "vitest";
import { testConnection } from "../../lib/engine/test-connection.js";
import { SecretBook } from "../../lib/auth/index.js";
import { classifyHttpStatus } from "../../lib/exchange/classify-http.js";
import type { ServerKnobs, OrgSpec } from "../../sim/index.js";
import { checkOne, clientSecret, direct, ntlmAt, onlineOrg, onlineProfile, org, password, profile, withOrg } from "./support.js";

/**
 * Issue 10 item 9 at the engine: a server inside the profile's domains that quotes back what it was sent (a 400 with
 * the request's Authorization header, a SOAP fault with the password) never gets a secret into a failure, whatever
 * the authentication: the raw secret, Base64 of user:password, the Basic / NTLM / Bearer header values.
 */

const ews = "https://mail.contoso.com/EWS/Exchange.asmx";
const basicValue = Buffer.from(`svc@contoso.com:${password}`).toString("base64");
const ntlmMessage = /TlRMTVNT[A-Za-z0-9+/=]{8,}/; // Base64 of "NTLMSSP\0"
const jwt = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

function expectNoSecret(text: string): void {
  expect(text).toContain("[redacted]");
  for (const secret of [password, basicValue, clientSecret, encodeURIComponent(password)]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(ntlmMessage);
  expect(text).not.toMatch(jwt);
}

const onPrem = (echo: ServerKnobs["echoSecrets"]): OrgSpec =>
  org({ servers: [{ name: "mail.contoso.com", knobs: { echoSecrets: echo } }], mailboxes: [{ address: "user@contoso.com", server: "mail.contoso.com" }] });
const online = (echo: ServerKnobs["echoSecrets"]): OrgSpec => onlineOrg({ echoSecrets: echo });
const ntlm = ntlmAt(ews);
const oauth = onlineProfile;

const cases = [
  { name: "Basic", spec: onPrem, change: direct(ews), address: "user@contoso.com" },
  { name: "NTLM", spec: onPrem, change: ntlm, address: "user@contoso.com" },
  { name: "OAuth", spec: online, change: oauth, address: "user@tailspintoys.com" },
];

describe.each(cases)("$name: a server that quotes secrets back", ({ spec, change, address }) => {
  it("a 400 with the request's Authorization header: http-status 400, the page's words kept, the header redacted", async () => {
    await withOrg(spec("authorization-400"), profile(change), {}, async (_sim, session) => {
      const check = await checkOne(session, address);
      expect(check.error).toMatchObject({ category: "http-status", code: "400" });
      expect(check.error!.message).toContain("is not valid here");
      expectNoSecret(check.error!.message);
    });
  });

  it("a SOAP fault repeating the password or client secret: the fault's words kept, the secret redacted", async () => {
    await withOrg(spec("password-fault"), profile(change), {}, async (_sim, session) => {
      const check = await checkOne(session, address);
      expect(check.error).toMatchObject({ category: "http-status", code: "ErrorInternalServerError" });
      expect(check.error!.message).toContain("failed on the back end");
      expectNoSecret(check.error!.message);
    });
  });

  it("Test Connection's report (every step, every mailbox) holds no secret", async () => {
    await withOrg(spec("authorization-400"), profile(change), {}, async (_sim, session) => {
      const report = await testConnection(session, { mailboxes: [address] });
      expect(report.ok).toBe(false);
      expectNoSecret(JSON.stringify(report));
    });
  });
});

describe("Autodiscover that quotes the secret back", () => {
  it("the 400 of an Autodiscover endpoint is redacted in Test Connection's report", async () => {
    const spec = org({
      servers: [{ name: "autodiscover.contoso.com", ews: false, autodiscover: true, knobs: { echoSecrets: "authorization-400" } }, { name: "mail.contoso.com" }],
      mailboxes: [{ address: "user@contoso.com", server: "mail.contoso.com" }],
    });
    await withOrg(spec, profile(), {}, async (_sim, session) => {
      const report = await testConnection(session);
      expect(report.steps[0]).toMatchObject({ step: "autodiscover", ok: false });
      expectNoSecret(JSON.stringify(report));
    });
  });
});

describe("redaction comes before clipping", () => {
  it("a secret across the clip boundary of a quoted page leaves not even a prefix", () => {
    const book = new SecretBook([password]);
    const body = `<html><body>${"x".repeat(190)} ${password} tail</body></html>`;
    const failure = classifyHttpStatus({ status: 400, headers: {}, body, authUsed: "basic", redact: book.redact })!;
    expect(failure.message).not.toContain(password.slice(0, 6));
    const unredacted = classifyHttpStatus({ status: 400, headers: {}, body, authUsed: "basic" })!;
    expect(unredacted.message).toContain(password.slice(0, 6));
  });
});
