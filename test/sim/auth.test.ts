import { sign } from "node:crypto";
import { Agent } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { md4 } from "../../sim/auth/md4.js";
import { CertificateAuthority } from "../../sim/pki/certificates.js";
import { demoClientId, demoClientSecret, demoOrganisation, demoPasswords, demoTenant, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { basicAuth, getFolderBody, simRequest } from "./support/client.js";
import { type1, type3 } from "./support/ntlm-client.js";

const northwindPassword = demoPasswords["svc-crm@northwind.com"]!;
const tokenUrl = `https://login.microsoftonline.com/${demoTenant}/oauth2/v2.0/token`;

describe("simulated authentication", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    const spec = demoOrganisation();
    assertion.cert = CertificateAuthority.selfSigned(["crm-app"], new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
    spec.oauthApps!.push({ tenant: demoTenant, clientId: "cert-app", certificatePem: assertion.cert.certPem, impersonation: "all" });
    sim = await startSimulatedOrg(spec);
  });
  afterAll(() => sim.stop());
  const assertion: { cert?: { keyPem: string; certPem: string } } = {};

  const ews = (host: string, headers: Record<string, string>, mailbox: string, agent?: Agent) =>
    simRequest(sim, `https://${host}/EWS/Exchange.asmx`, { body: getFolderBody(mailbox), headers, agent });

  it("Basic: accepts the right password, challenges Basic + Negotiate + NTLM otherwise", async () => {
    const ok = await ews("mail.contoso.com", basicAuth("svc-crm@contoso.com", demoPasswords["svc-crm@contoso.com"]!), "alice@contoso.com");
    expect(ok.status).toBe(200);
    const wrong = await ews("mail.contoso.com", basicAuth("svc-crm@contoso.com", "nope"), "alice@contoso.com");
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toBe('Basic realm="mail.contoso.com", Negotiate, NTLM');
  });

  it("Basic disabled: 401 offering only Negotiate, NTLM even for the right password", async () => {
    const res = await ews("mail.northwind.com", basicAuth("svc-crm@northwind.com", northwindPassword), "uma@northwind.com");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe("Negotiate, NTLM");
  });

  it("NTLM: a real type1/type2/type3 handshake on one kept-alive connection", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: sim.endpoints.caPem });
    try {
      const challenge = await ews("mail.northwind.com", { Authorization: `NTLM ${type1()}` }, "uma@northwind.com", agent);
      expect(challenge.status).toBe(401);
      const type2 = /^NTLM (\S+)$/.exec(String(challenge.headers["www-authenticate"]))?.[1];
      expect(type2).toBeDefined();
      const done = await ews("mail.northwind.com", { Authorization: `NTLM ${type3(type2!, "svc-crm@northwind.com", northwindPassword)}` }, "uma@northwind.com", agent);
      expect(done.status).toBe(200);
      expect(sim.counters.tlsHandshakes("mail.northwind.com")).toBeGreaterThanOrEqual(1);
    } finally {
      agent.destroy();
    }
  });

  it("NTLM: refuses a wrong password, and a type3 on a connection that was never challenged", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: sim.endpoints.caPem });
    try {
      const challenge = await ews("mail.northwind.com", { Authorization: `NTLM ${type1()}` }, "uma@northwind.com", agent);
      const type2 = /^NTLM (\S+)$/.exec(String(challenge.headers["www-authenticate"]))![1]!;
      const wrong = await ews("mail.northwind.com", { Authorization: `NTLM ${type3(type2, "svc-crm@northwind.com", "wrong")}` }, "uma@northwind.com", agent);
      expect(wrong.status).toBe(401);
      const fresh = await ews("mail.northwind.com", { Authorization: `NTLM ${type3(type2, "svc-crm@northwind.com", northwindPassword)}` }, "uma@northwind.com");
      expect(fresh.status).toBe(401);
    } finally {
      agent.destroy();
    }
  });

  it("MD4 matches RFC 1320", () => {
    expect(md4(Buffer.from("")).toString("hex")).toBe("31d6cfe0d16ae931b73c59d7e0c089c0");
    expect(md4(Buffer.from("message digest")).toString("hex")).toBe("d9130a8164549fe818874806e1c7014b");
  });

  const token = async (form: Record<string, string>) =>
    simRequest(sim, tokenUrl, {
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "https://outlook.office365.com/.default", ...form }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });

  it("Bearer: the token endpoint issues a token for a client secret that EWS accepts", async () => {
    const res = await token({ client_id: demoClientId, client_secret: demoClientSecret });
    expect(res.status).toBe(200);
    const { access_token, token_type } = JSON.parse(res.body) as { access_token: string; token_type: string };
    expect(token_type).toBe("Bearer");
    const ok = await ews("outlook.office365.com", { Authorization: `Bearer ${access_token}` }, "yara@tailspintoys.com");
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/MajorVersion="15" MinorVersion="20"/);

    sim.setServer("outlook.office365.com", { ewsDisabled: true });
    const forbidden = await ews("outlook.office365.com", { Authorization: `Bearer ${access_token}` }, "yara@tailspintoys.com");
    sim.setServer("outlook.office365.com", { ewsDisabled: false });
    expect(forbidden.status).toBe(403);
  });

  it("Bearer: refuses a wrong secret and an unknown tenant; EWS challenges with Bearer and x-ms-diagnostics", async () => {
    const wrong = await token({ client_id: demoClientId, client_secret: "nope" });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    const tenant = await simRequest(sim, "https://login.microsoftonline.com/no-such-tenant/oauth2/v2.0/token", {
      body: "grant_type=client_credentials&client_id=x&client_secret=y&scope=https%3A%2F%2Foutlook.office365.com%2F.default",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(JSON.parse(tenant.body)).toMatchObject({ error_codes: [90002] });
    const none = await ews("outlook.office365.com", {}, "yara@tailspintoys.com");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer client_id="00000002-0000-0ff1-ce00-000000000000"/);
    expect(none.headers["x-ms-diagnostics"]).toMatch(/^2000000;/);
    const forged = await ews("outlook.office365.com", { Authorization: "Bearer a.b.c" }, "yara@tailspintoys.com");
    expect(forged.status).toBe(401);
    expect(forged.headers["x-ms-diagnostics"]).toMatch(/signature/);
  });

  it("Bearer: accepts a client assertion signed with the app's certificate key", async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const unsigned = `${part({ alg: "ES256", typ: "JWT" })}.${part({ aud: tokenUrl, iss: "cert-app", sub: "cert-app", exp: now + 600, nbf: now, jti: "1" })}`;
    const sig = sign("sha256", Buffer.from(unsigned), { key: assertion.cert!.keyPem, dsaEncoding: "ieee-p1363" }).toString("base64url");
    const type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    const ok = await token({ client_id: "cert-app", client_assertion_type: type, client_assertion: `${unsigned}.${sig}` });
    expect(ok.status).toBe(200);
    const bad = await token({ client_id: "cert-app", client_assertion_type: type, client_assertion: `${unsigned}.${sig.slice(0, -4)}AAAA` });
    expect(bad.status).toBe(401);
  });

  it("answers MSAL's instance discovery and OpenID configuration", async () => {
    const discovery = await simRequest(sim, "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=x");
    expect(JSON.parse(discovery.body)).toMatchObject({ "api-version": "1.1", metadata: [{ aliases: ["login.microsoftonline.com"] }] });
    const config = await simRequest(sim, `https://login.microsoftonline.com/${demoTenant}/v2.0/.well-known/openid-configuration`);
    expect(JSON.parse(config.body)).toMatchObject({ token_endpoint: tokenUrl, issuer: `https://login.microsoftonline.com/${demoTenant}/v2.0` });
  });
});
