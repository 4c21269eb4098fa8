import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrganisation, demoPasswords, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { basicAuth, getFolderBody, simRequest } from "./support/client.js";

const fabrikam = basicAuth("svc-crm@fabrikam.com", demoPasswords["svc-crm@fabrikam.com"]!);
const contoso = basicAuth("svc-crm@contoso.com", demoPasswords["svc-crm@contoso.com"]!);

const responseCodes = (body: string): string[] => [...body.matchAll(/<m:ResponseCode>([^<]*)</g)].map((m) => m[1]!);
const faultCode = (body: string): string | undefined => /<e:ResponseCode[^>]*>([^<]*)</.exec(body)?.[1];

describe("simulated EWS GetFolder", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  afterAll(() => sim.stop());

  const getFolder = (host: string, mailbox: string | undefined, headers = fabrikam, folders?: string[]) =>
    simRequest(sim, `https://${host}/EWS/Exchange.asmx`, {
      body: getFolderBody(mailbox, folders),
      headers: { ...headers, ...(mailbox ? { "X-AnchorMailbox": mailbox } : {}) },
    });

  it("answers one Success message per folder, with ServerVersionInfo", async () => {
    const res = await getFolder("mail.fabrikam.com", "ivan@fabrikam.com");
    expect(res.status).toBe(200);
    expect(res.body.match(/ResponseClass="Success"/g)).toHaveLength(5);
    expect(responseCodes(res.body)).toEqual(["NoError", "NoError", "NoError", "NoError", "NoError"]);
    expect(res.body).toMatch(/<h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1118" MinorBuildNumber="7" Version="V2017_07_11"/);
    expect(res.body).toContain("<t:CalendarFolder>");
  });

  it("answers per-folder errors inside HTTP 200", async () => {
    const res = await getFolder("mail.fabrikam.com", "trent@fabrikam.com");
    expect(res.status).toBe(200);
    expect(responseCodes(res.body)).toEqual(["NoError", "NoError", "ErrorAccessDenied", "NoError", "NoError"]);
    expect(res.body).toContain('ResponseClass="Error"');
  });

  it.each([
    ["mallory@fabrikam.com", "ErrorNonExistentMailbox"],
    ["nobody@fabrikam.com", "ErrorNonExistentMailbox"],
    ["niaj@fabrikam.com", "ErrorImpersonateUserDenied"],
    ["alice@contoso.com", "ErrorImpersonateUserDenied"], // outside the account's impersonation scope
    ["peggy@fabrikam.com", "ErrorMailboxMoveInProgress"], // asked on its old server
    ["judy@fabrikam.com", undefined],
  ])("answers %s with an HTTP 500 fault %s", async (mailbox, code) => {
    const res = await getFolder("mail.fabrikam.com", mailbox);
    if (code === undefined) return expect(res.status).toBe(200);
    expect(res.status).toBe(500);
    expect(res.body).toContain("<s:Fault>");
    expect(faultCode(res.body)).toBe(code);
  });

  it("answers ErrorServerBusy with BackOffMilliseconds", async () => {
    const res = await getFolder("mail.fabrikam.com", "olivia@fabrikam.com");
    expect(faultCode(res.body)).toBe("ErrorServerBusy");
    expect(res.body).toMatch(/<t:Value Name="BackOffMilliseconds">30000<\/t:Value>/);
  });

  it("answers a moved mailbox on its new server, and ErrorConnectionFailed on an unrelated one", async () => {
    expect((await getFolder("mail2.fabrikam.com", "peggy@fabrikam.com")).status).toBe(200);
    expect(faultCode((await getFolder("mail2.fabrikam.com", "ivan@fabrikam.com")).body)).toBe("ErrorConnectionFailed");
  });

  it("fails the next N calls, then recovers (failNext)", async () => {
    sim.setMailbox("judy@fabrikam.com", { failNext: 2 });
    expect(faultCode((await getFolder("mail.fabrikam.com", "judy@fabrikam.com")).body)).toBe("ErrorServerBusy");
    expect(faultCode((await getFolder("mail.fabrikam.com", "judy@fabrikam.com")).body)).toBe("ErrorServerBusy");
    expect((await getFolder("mail.fabrikam.com", "judy@fabrikam.com")).status).toBe(200);
  });

  it("answers ErrorAccessDenied when the knob is set", async () => {
    sim.setMailbox("victor@fabrikam.com", { accessDenied: true });
    const res = await getFolder("mail.fabrikam.com", "victor@fabrikam.com");
    sim.setMailbox("victor@fabrikam.com", { accessDenied: false });
    expect(faultCode(res.body)).toBe("ErrorAccessDenied");
  });

  it("answers ErrorSchemaValidation for a body that is not GetFolder", async () => {
    const res = await simRequest(sim, "https://mail.contoso.com/EWS/Exchange.asmx", { body: "<hello/>", headers: contoso });
    expect(res.status).toBe(500);
    expect(faultCode(res.body)).toBe("ErrorSchemaValidation");
  });

  it("reports each server's configured build (e.g. an unsupported 2010 RTM)", async () => {
    const sim2010 = await startSimulatedOrg({
      domains: [{ name: "old.example" }],
      servers: [{ name: "mail.old.example", build: "14.2.247.5" }],
      mailboxes: [{ address: "a@old.example", server: "mail.old.example" }],
      serviceAccounts: [{ upn: "svc@old.example", password: "pw", impersonation: "all" }],
    });
    try {
      const res = await simRequest(sim2010, "https://mail.old.example/EWS/Exchange.asmx", {
        body: getFolderBody("a@old.example"),
        headers: basicAuth("svc@old.example", "pw"),
      });
      expect(res.body).toMatch(/MajorVersion="14" MinorVersion="2" MajorBuildNumber="247" MinorBuildNumber="5" Version="Exchange2010_SP2"/);
    } finally {
      await sim2010.stop();
    }
  });
});
