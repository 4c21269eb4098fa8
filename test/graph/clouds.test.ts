import { describe, expect, it } from "vitest";
import { authorityHosts, ewsScopes, exchangeOnlineDomains } from "../../lib/auth/index.js";
import { isHostAllowed } from "../../lib/util/hosts.js";
import { oauthClouds } from "../../lib/config/profile.js";
import { credentialHostsOf, graphClouds, graphScopeOf, mayReceiveCredentials } from "../../lib/graph/clouds.js";
import { mailboxCheckFrom, todoNotOffered } from "../../lib/graph/mailbox-result.js";
import { makeFailure } from "../../lib/diagnosis/failure.js";

describe("national clouds", () => {
  it("names the authority and Graph host of each profile cloud, consistent with lib/auth", () => {
    expect(Object.keys(graphClouds).sort()).toEqual([...oauthClouds].sort());
    expect(Object.fromEntries(oauthClouds.map((c) => [c, [graphClouds[c].authorityHost, graphClouds[c].graphHost]]))).toEqual({
      public: ["https://login.microsoftonline.com", "graph.microsoft.com"],
      usgov: ["https://login.microsoftonline.us", "graph.microsoft.us"],
      "usgov-dod": ["https://login.microsoftonline.us", "dod-graph.microsoft.us"],
      china: ["https://login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"],
    });
    for (const c of oauthClouds) {
      expect(graphClouds[c].authorityHost).toBe(authorityHosts[c]);
      expect(ewsScopes[c]).toBe(`https://${graphClouds[c].ewsHost}/.default`);
    }
    expect(graphScopeOf(graphClouds["usgov-dod"])).toBe("https://dod-graph.microsoft.us/.default");
    // DoD's Exchange Online is its own (outlook-dod), not GCC High's.
    expect(Object.fromEntries(oauthClouds.map((c) => [c, graphClouds[c].ewsHost]))).toEqual({ public: "outlook.office365.com", usgov: "outlook.office365.us", "usgov-dod": "outlook-dod.office365.us", china: "partner.outlook.cn" });
    expect(graphClouds.china.todo).toBe(false);
    expect(credentialHostsOf(graphClouds.china)).toEqual(["login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "microsoftgraph.chinacloudapi.cn", "partner.outlook.cn"]);
  });

  it("keeps each cloud's Exchange Online token within that cloud's own Exchange Online hosts (GCC High and DoD apart)", () => {
    const within = (cloud: keyof typeof exchangeOnlineDomains, host: string) => isHostAllowed(host, new Set(exchangeOnlineDomains[cloud]));
    for (const c of oauthClouds) expect(within(c, graphClouds[c].ewsHost)).toBe(true);
    expect(within("usgov", "autodiscover-s.office365.us")).toBe(true);
    expect(within("usgov-dod", "autodiscover-s-dod.office365.us")).toBe(true);
    expect(within("china", "autodiscover-s.partner.outlook.cn")).toBe(true);
    expect(within("usgov", "outlook-dod.office365.us")).toBe(false);
    expect(within("usgov-dod", "outlook.office365.us")).toBe(false);
    expect(within("china", "outlook.office365.com")).toBe(false);
    expect(within("public", "autodiscover-s.outlook.com")).toBe(true);
    expect(within("public", "autodiscover.tailspintoys.com")).toBe(false);
  });

  it("lets credentials go over https to the cloud's own hosts only", () => {
    const gov = graphClouds.usgov;
    expect(credentialHostsOf(gov)).toEqual(["login.microsoftonline.us", "graph.microsoft.us", "outlook.office365.us"]);
    expect(mayReceiveCredentials(gov, "https://graph.microsoft.us/v1.0/$batch")).toBe(true);
    expect(mayReceiveCredentials(gov, "https://graph.microsoft.com/v1.0/$batch")).toBe(false);
    expect(mayReceiveCredentials(gov, "https://login.microsoftonline.com")).toBe(false);
    expect(mayReceiveCredentials(gov, "http://graph.microsoft.us/v1.0/$batch")).toBe(false);
    expect(mayReceiveCredentials(gov, "https://graph.microsoft.us.evil.example/v1.0")).toBe(false);
    expect(mayReceiveCredentials(gov, "not a url")).toBe(false);
  });
});

describe("a mailbox's channels from its folders", () => {
  const ok = { ok: true } as const;
  const denied = { ok: false, failure: makeFailure("permission-missing", { code: "Authorization_RequestDenied", message: "no tasks" }) } as const;
  const all = ["incoming", "outgoing", "appointmentsContactsTasks"] as const;

  it("fails only the channel whose folder failed, reporting that folder's failure", () => {
    const check = mailboxCheckFrom("a@contoso.com", all, new Map([["inbox", ok], ["sentitems", ok], ["calendar", ok], ["contacts", ok], ["todo", denied]]), true, 5);
    expect(check).toMatchObject({ ok: false, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "failure" }, error: { code: "Authorization_RequestDenied" } });
  });

  it("marks unwanted channels not-run and ignores their folders", () => {
    const check = mailboxCheckFrom("a@contoso.com", ["incoming"], new Map([["inbox", ok]]), true, 5);
    expect(check).toEqual({ address: "a@contoso.com", ok: true, channels: { incoming: "success", outgoing: "not-run", appointmentsContactsTasks: "not-run" }, elapsedMs: 5 });
  });

  it("21Vianet: judges appointments, contacts and tasks on calendar and contacts, with a note", () => {
    const check = mailboxCheckFrom("a@contoso.cn", all, new Map([["inbox", ok], ["sentitems", ok], ["calendar", ok], ["contacts", ok]]), false, 5);
    expect(check).toMatchObject({ ok: true, channels: { appointmentsContactsTasks: "success" }, notes: [todoNotOffered] });
  });

  it("never counts a folder without an answer as success", () => {
    const check = mailboxCheckFrom("a@contoso.com", all, new Map([["inbox", ok]]), true, 5);
    expect(check).toMatchObject({ ok: false, channels: { incoming: "success", outgoing: "failure" }, error: { category: "invalid-response", code: "GraphNoAnswer" } });
  });
});
