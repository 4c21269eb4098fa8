import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrganisation, demoPasswords, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { basicAuth, poxBody, simRequest, soapBody } from "./support/client.js";

const contoso = basicAuth("svc-crm@contoso.com", demoPasswords["svc-crm@contoso.com"]!);
const fabrikam = basicAuth("svc-crm@fabrikam.com", demoPasswords["svc-crm@fabrikam.com"]!);

describe("simulated Autodiscover", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  afterAll(() => sim.stop());

  const pox = (url: string, address: string, headers = contoso) => simRequest(sim, url, { body: poxBody(address), headers });
  const soap = (address: string, headers = fabrikam) =>
    simRequest(sim, "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc", { body: soapBody(address), headers });

  it("POX on the root domain and on autodiscover.<domain> answers settings with EXPR and EXCH EwsUrl", async () => {
    for (const url of ["https://contoso.com/autodiscover/autodiscover.xml", "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"]) {
      const res = await pox(url, "grace@contoso.com");
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/text\/xml/);
      expect(res.body).toContain("<Action>settings</Action>");
      expect(res.body).toContain("<Type>EXPR</Type>");
      expect(res.body).toContain("<Type>EXCH</Type>");
      expect(res.body).toContain("<EwsUrl>https://mail2.contoso.com/EWS/Exchange.asmx</EwsUrl>");
      // 15.1.2507: 0111 | 15 | 1 | 1 | 2507
      expect(res.body).toContain("<ServerVersion>73C189CB</ServerVersion>");
    }
  });

  it("POX asks for credentials, and answers ErrorCode 500 for an unknown address", async () => {
    const anonymous = await simRequest(sim, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml", { body: poxBody("alice@contoso.com") });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toEqual(expect.stringContaining("Basic realm="));
    const res = await pox("https://autodiscover.contoso.com/autodiscover/autodiscover.xml", "nobody@contoso.com");
    expect(res.body).toMatch(/<ErrorCode>500<\/ErrorCode>/);
  });

  it("POX answers redirectAddr and redirectUrl", async () => {
    const addr = await pox("https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml", "sybil@fabrikam.com", fabrikam);
    expect(addr.body).toContain("<Action>redirectAddr</Action>");
    expect(addr.body).toContain("<RedirectAddr>sybil@contoso.com</RedirectAddr>");
    sim.setMailbox("ivan@fabrikam.com", { redirectUrl: "https://mail2.fabrikam.com/autodiscover/autodiscover.xml" });
    const url = await pox("https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml", "ivan@fabrikam.com", fabrikam);
    sim.setMailbox("ivan@fabrikam.com", { redirectUrl: null });
    expect(url.body).toContain("<Action>redirectUrl</Action>");
    expect(url.body).toContain("<RedirectUrl>https://mail2.fabrikam.com/autodiscover/autodiscover.xml</RedirectUrl>");
  });

  it("plain http on autodiscover.<domain> answers 302 to https, unauthenticated", async () => {
    const res = await simRequest(sim, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    const elsewhere = await simRequest(sim, "http://mail.contoso.com/EWS/Exchange.asmx");
    expect(elsewhere.status).toBe(403);
  });

  it("SOAP GetUserSettings answers NoError with ExternalEwsUrl, InternalEwsUrl and CasVersion", async () => {
    const res = await soap("judy@fabrikam.com");
    expect(res.status).toBe(200);
    expect(res.body.match(/<ErrorCode>NoError<\/ErrorCode>/g)).toHaveLength(2);
    expect(res.body).toContain("<Name>ExternalEwsUrl</Name><Value>https://mail.fabrikam.com/EWS/Exchange.asmx</Value>");
    expect(res.body).toContain("<Name>InternalEwsUrl</Name>");
    expect(res.body).toContain("<Name>CasVersion</Name><Value>15.02.1118.007</Value>");
    expect(res.body).toContain("<h:MajorVersion>15</h:MajorVersion>");
  });

  it("SOAP answers InvalidUser, RedirectAddress and RedirectUrl", async () => {
    expect((await soap("mallory@fabrikam.com")).body).toContain("<ErrorCode>InvalidUser</ErrorCode>");
    const addr = await soap("sybil@fabrikam.com");
    expect(addr.body).toContain("<ErrorCode>RedirectAddress</ErrorCode>");
    expect(addr.body).toContain("<RedirectTarget>sybil@contoso.com</RedirectTarget>");
    sim.setMailbox("judy@fabrikam.com", { redirectUrl: "https://autodiscover.contoso.com/autodiscover/autodiscover.svc" });
    const url = await soap("judy@fabrikam.com");
    sim.setMailbox("judy@fabrikam.com", { redirectUrl: null });
    expect(url.body).toContain("<ErrorCode>RedirectUrl</ErrorCode>");
    expect(url.body).toContain("<RedirectTarget>https://autodiscover.contoso.com/autodiscover/autodiscover.svc</RedirectTarget>");
  });

  it("names the new server after a move", async () => {
    const before = await pox("https://autodiscover.contoso.com/autodiscover/autodiscover.xml", "alice@contoso.com");
    expect(before.body).toContain("https://mail.contoso.com/EWS/Exchange.asmx");
    sim.setMailbox("alice@contoso.com", { movedTo: "mail2.contoso.com" });
    const after = await pox("https://autodiscover.contoso.com/autodiscover/autodiscover.xml", "alice@contoso.com");
    sim.setMailbox("alice@contoso.com", { movedTo: null });
    expect(after.body).toContain("https://mail2.contoso.com/EWS/Exchange.asmx");
  });
});
