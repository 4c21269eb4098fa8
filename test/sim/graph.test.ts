import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulatedOrg, throwawaySecret, type GraphFault, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { getFolderBody, simRequest } from "./support/client.js";
import { claimsOf, folderPaths, graphBatch, graphGet, simToken, userPath } from "./support/graph-client.js";

const tenant = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const full = { tenant, clientId: "11111111-aaaa-4bbb-8ccc-000000000001", secret: throwawaySecret("graph-full") };
const mailOnly = { tenant, clientId: "11111111-aaaa-4bbb-8ccc-000000000002", secret: throwawaySecret("graph-mail") };
const scoped = { tenant, clientId: "11111111-aaaa-4bbb-8ccc-000000000003", secret: throwawaySecret("graph-scoped") };
const allRoles = ["full_access_as_app", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite", "Tasks.ReadWrite.All", "MailboxConfigItem.ReadWrite"];

const spec: OrgSpec = {
  domains: [{ name: "tailspintoys.com" }],
  servers: [
    { name: "outlook.office365.com", build: "15.20.7452.28", auth: ["bearer"], group: "tailspintoys.com" },
    { name: "mail.tailspintoys.com", build: "15.1.2507.6" },
  ],
  mailboxes: ["yara", "zach", "quinn", "uma", "vic"].map((n) => ({ address: `${n}@tailspintoys.com`, server: "outlook.office365.com" })).concat([
    { address: "onprem@tailspintoys.com", server: "mail.tailspintoys.com" },
  ]),
  oauthApps: [
    { tenant, clientId: full.clientId, clientSecret: full.secret, impersonation: "all", roles: allRoles },
    { tenant, clientId: mailOnly.clientId, clientSecret: mailOnly.secret, impersonation: "all", roles: ["Mail.ReadWrite"] },
    { tenant, clientId: scoped.clientId, clientSecret: scoped.secret, impersonation: "all", roles: allRoles, graphScope: ["yara@tailspintoys.com"] },
  ],
};

const graph = "https://graph.microsoft.com/v1.0";

describe("simulated Entra token endpoint", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(spec);
  });
  afterAll(() => sim.stop());

  it("puts the app's granted roles for the resource in the roles claim, and the resource in aud", async () => {
    const graphClaims = claimsOf(await simToken(sim, full, "https://graph.microsoft.com"));
    expect(graphClaims).toMatchObject({ aud: "https://graph.microsoft.com", appid: full.clientId, tid: tenant });
    expect(graphClaims.roles).toEqual(allRoles.filter((r) => r !== "full_access_as_app"));
    const ewsClaims = claimsOf(await simToken(sim, full, "https://outlook.office365.com"));
    expect(ewsClaims).toMatchObject({ aud: "https://outlook.office365.com", roles: ["full_access_as_app"] });
    expect(claimsOf(await simToken(sim, mailOnly, "https://graph.microsoft.com")).roles).toEqual(["Mail.ReadWrite"]);
  });

  it("serves the national clouds' login hosts", async () => {
    sim.counters.reset();
    const us = claimsOf(await simToken(sim, full, "https://graph.microsoft.us", "login.microsoftonline.us"));
    const dod = claimsOf(await simToken(sim, full, "https://dod-graph.microsoft.us", "login.microsoftonline.us"));
    const cn = claimsOf(await simToken(sim, full, "https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn"));
    expect([us.aud, dod.aud, cn.aud]).toEqual(["https://graph.microsoft.us", "https://dod-graph.microsoft.us", "https://microsoftgraph.chinacloudapi.cn"]);
    expect(sim.counters.requestCount("login.microsoftonline.us")).toBe(2);
    expect(sim.counters.requestCount("login.chinacloudapi.cn")).toBe(1);
  });
});

describe("simulated Microsoft Graph", () => {
  let sim: SimulatedOrg;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulatedOrg(spec);
    token = await simToken(sim, full, "https://graph.microsoft.com");
  });
  beforeEach(() => sim.counters.reset());
  afterAll(() => sim.stop());

  it("answers the five single requests of a mailbox check", async () => {
    for (const folder of ["inbox", "sentitems", "calendar"] as const) {
      const res = await graphGet(sim, `${graph}${userPath("yara@tailspintoys.com", folder)}`, token);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ id: expect.any(String) });
    }
    for (const folder of ["contacts", "todo"] as const) {
      const res = await graphGet(sim, `${graph}${userPath("yara@tailspintoys.com", folder)}`, token);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ value: [{ id: expect.any(String) }] });
    }
    expect(sim.counters.graph).toMatchObject({ httpRequests: 5, batches: 0, requests: 5, throttled: 0 });
  });

  it("checks the token: none, forged, or for another Graph host is 401 InvalidAuthenticationToken", async () => {
    const url = `${graph}${userPath("yara@tailspintoys.com", "inbox")}`;
    const none = await graphGet(sim, url);
    const forged = await graphGet(sim, url, "a.b.c");
    const usToken = await simToken(sim, full, "https://graph.microsoft.us", "login.microsoftonline.us");
    const otherAudience = await graphGet(sim, url, usToken);
    for (const res of [none, forged, otherAudience]) {
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe("InvalidAuthenticationToken");
    }
    expect(JSON.parse(otherAudience.body).error.message).toMatch(/Invalid audience/);
    expect((await graphGet(sim, `https://graph.microsoft.us/v1.0${userPath("yara@tailspintoys.com", "inbox")}`, usToken)).status).toBe(200);
  });

  it("checks the roles per request: Mail.* for mail folders, Calendars.*, Contacts.*, Tasks.* for To Do", async () => {
    const mail = await simToken(sim, mailOnly, "https://graph.microsoft.com");
    const status = async (folder: keyof typeof folderPaths) => {
      const res = await graphGet(sim, `${graph}${userPath("yara@tailspintoys.com", folder)}`, mail);
      return `${res.status} ${res.status === 200 ? "" : (JSON.parse(res.body) as { error: { code: string } }).error.code}`.trim();
    };
    expect(await status("inbox")).toBe("200");
    expect(await status("sentitems")).toBe("200");
    expect(await status("calendar")).toBe("403 ErrorAccessDenied");
    expect(await status("contacts")).toBe("403 ErrorAccessDenied");
    expect(await status("todo")).toBe("403 Authorization_RequestDenied");
  });

  it.each<[GraphFault, number, string, RegExp]>([
    ["ErrorInvalidUser", 404, "ErrorInvalidUser", /requested user 'zach@tailspintoys.com' is invalid/],
    ["ResourceNotFound", 404, "ResourceNotFound", /could not be discovered/],
    ["MailboxNotEnabledForRESTAPI", 404, "MailboxNotEnabledForRESTAPI", /inactive, soft-deleted, or is hosted on-premise/],
    ["ODataDisabled", 403, "ErrorAccessDenied", /^Access to OData is disabled\.$/],
    ["ErrorAccessDenied", 403, "ErrorAccessDenied", /^Access is denied/],
    ["Authorization_RequestDenied", 403, "Authorization_RequestDenied", /Insufficient privileges/],
    ["InvalidAuthenticationToken", 401, "InvalidAuthenticationToken", /validation failure/],
  ])("mailbox fault %s answers %i %s in Graph's error shape", async (fault, status, code, message) => {
    sim.setMailbox("zach@tailspintoys.com", { graphFault: fault });
    try {
      const res = await graphGet(sim, `${graph}${userPath("zach@tailspintoys.com", "inbox")}`, token, { "client-request-id": "crid-1" });
      expect(res.status).toBe(status);
      const { error } = JSON.parse(res.body) as { error: { code: string; message: string; innerError: Record<string, string> } };
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.innerError).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/), "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/), "client-request-id": "crid-1" });
    } finally {
      sim.setMailbox("zach@tailspintoys.com", { graphFault: null });
    }
  });

  it("answers an unknown or on-premises mailbox, and one outside the app's access policy, as Graph does", async () => {
    const code = async (address: string, t = token) => {
      const res = await graphGet(sim, `${graph}${userPath(address, "inbox")}`, t);
      return res.status === 200 ? "200" : `${res.status} ${(JSON.parse(res.body) as { error: { code: string; message: string } }).error.message}`;
    };
    expect(await code("nobody@tailspintoys.com")).toMatch(/^404 The requested user/);
    expect(await code("onprem@tailspintoys.com")).toMatch(/^404 The mailbox is either inactive/);
    const policy = await simToken(sim, scoped, "https://graph.microsoft.com");
    expect(await code("yara@tailspintoys.com", policy)).toBe("200");
    expect(await code("zach@tailspintoys.com", policy)).toBe("403 Access to OData is disabled.");
  });

  it("$batch answers each of up to 20 requests on its own, by id, in any order", async () => {
    sim.setMailbox("uma@tailspintoys.com", { graphFault: "ErrorInvalidUser" });
    try {
      const addresses = ["yara", "zach", "quinn", "uma"].map((n) => `${n}@tailspintoys.com`);
      const requests = addresses.flatMap((a, i) => (Object.keys(folderPaths) as (keyof typeof folderPaths)[]).map((f) => ({ id: `${i}-${f}`, url: userPath(a, f) })));
      const orders: string[] = [];
      for (let round = 0; round < 3; round++) {
        const { status, items } = await graphBatch(sim, "graph.microsoft.com", token, requests);
        expect(status).toBe(200);
        expect(items.map((i) => i.id).sort()).toEqual(requests.map((r) => r.id).sort());
        for (const item of items) expect(item.status).toBe(item.id.startsWith("3-") ? 404 : 200);
        expect(items.find((i) => i.id === "3-inbox")!.body.error!.code).toBe("ErrorInvalidUser");
        orders.push(items.map((i) => i.id).join());
      }
      expect(orders.some((o) => o !== requests.map((r) => r.id).join())).toBe(true);
      expect(sim.counters.graph).toMatchObject({ httpRequests: 3, batches: 3, requests: 60 });
    } finally {
      sim.setMailbox("uma@tailspintoys.com", { graphFault: null });
    }
  });

  it("$batch refuses more than 20 requests, repeated ids and a body that is not a batch", async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), url: userPath("yara@tailspintoys.com", "inbox") }));
    const tooMany = await graphBatch(sim, "graph.microsoft.com", token, many);
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.raw.body).error.message).toMatch(/limit of 20/);
    const repeated = await graphBatch(sim, "graph.microsoft.com", token, [many[0]!, many[0]!]);
    expect(repeated.status).toBe(400);
    const garbage = await simRequest(sim, `${graph}/$batch`, { body: "not json", headers: { Authorization: `Bearer ${token}` } });
    expect(garbage.status).toBe(400);
  });

  it("throttles with 429, a code and Retry-After while graphThrottled lasts, then recovers", async () => {
    sim.setMailbox("quinn@tailspintoys.com", { graphThrottled: { requests: 2, retryAfterSeconds: 3, code: "TooManyRequests" } });
    const url = `${graph}${userPath("quinn@tailspintoys.com", "inbox")}`;
    const first = await graphGet(sim, url, token);
    const { items } = await graphBatch(sim, "graph.microsoft.com", token, [{ id: "a", url: userPath("quinn@tailspintoys.com", "sentitems") }]);
    const third = await graphGet(sim, url, token);
    expect(first.status).toBe(429);
    expect(first.headers["retry-after"]).toBe("3");
    expect(JSON.parse(first.body).error.code).toBe("TooManyRequests");
    expect(items[0]).toMatchObject({ status: 429, headers: { "Retry-After": "3" }, body: { error: { code: "TooManyRequests" } } });
    expect(third.status).toBe(200);
    expect(sim.counters.graph.throttled).toBe(2);
  });

  it("lets an app have four requests in flight per mailbox; more get 429 ApplicationThrottled, and the peak is counted", async () => {
    sim.setServer("graph.microsoft.com", { latencyMs: 300 });
    try {
      const url = `${graph}${userPath("vic@tailspintoys.com", "inbox")}`;
      const singles = await Promise.all(Array.from({ length: 5 }, () => graphGet(sim, url, token)));
      expect(singles.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 429]);
      const throttledOne = singles.find((r) => r.status === 429)!;
      expect(JSON.parse(throttledOne.body).error).toMatchObject({ code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." });
      expect(throttledOne.headers["retry-after"]).toBe("1");
      expect(sim.counters.mailboxConcurrency("vic@tailspintoys.com").peak).toBe(5);

      sim.counters.reset();
      const five = (Object.keys(folderPaths) as (keyof typeof folderPaths)[]).map((f) => ({ id: f, url: userPath("vic@tailspintoys.com", f) }));
      const [a, b] = await Promise.all([graphBatch(sim, "graph.microsoft.com", token, five), graphBatch(sim, "graph.microsoft.com", token, five)]);
      // One batch takes the mailbox's four places (Graph runs at most four of its items at once); the other gets none.
      const statuses = [a, b].map((x) => x.items.map((i) => i.status).sort().join());
      expect(statuses.sort()).toEqual(["200,200,200,200,200", "429,429,429,429,429"]);
      expect(sim.counters.mailboxConcurrency("vic@tailspintoys.com").peak).toBe(8);
      expect(sim.counters.peakMailboxConcurrency()).toBe(8);
    } finally {
      sim.setServer("graph.microsoft.com", { latencyMs: 0 });
    }
  });

  it("21Vianet offers no To Do: todo answers 404 there, the mail folders answer", async () => {
    const cn = await simToken(sim, full, "https://microsoftgraph.chinacloudapi.cn", "login.chinacloudapi.cn");
    const base = "https://microsoftgraph.chinacloudapi.cn/v1.0";
    expect((await graphGet(sim, `${base}${userPath("yara@tailspintoys.com", "inbox")}`, cn)).status).toBe(200);
    const todo = await graphGet(sim, `${base}${userPath("yara@tailspintoys.com", "todo")}`, cn);
    expect(todo.status).toBe(404);
  });
});

describe("simulated EWS policy of Exchange Online", () => {
  let sim: SimulatedOrg;
  let ewsToken: string;
  beforeAll(async () => {
    sim = await startSimulatedOrg(spec);
    ewsToken = await simToken(sim, full, "https://outlook.office365.com");
  });
  afterAll(() => sim.stop());

  const ews = () =>
    simRequest(sim, "https://outlook.office365.com/EWS/Exchange.asmx", {
      body: getFolderBody("yara@tailspintoys.com", ["inbox"]),
      headers: { Authorization: `Bearer ${ewsToken}`, "X-AnchorMailbox": "yara@tailspintoys.com" },
    });

  it("answers allowed, disabled (EWSEnabled False) and blocked by policy (app not in EWSAllowedAppIDs)", async () => {
    expect((await ews()).status).toBe(200);
    sim.setServer("outlook.office365.com", { ewsDisabled: true });
    const disabled = await ews();
    sim.setServer("outlook.office365.com", { ewsDisabled: false, ewsAllowedAppIds: [mailOnly.clientId] });
    const blocked = await ews();
    sim.setServer("outlook.office365.com", { ewsAllowedAppIds: [full.clientId.toUpperCase()] });
    const listed = await ews();
    sim.setServer("outlook.office365.com", { ewsAllowedAppIds: null });
    expect(disabled.status).toBe(403);
    expect(disabled.headers["x-ews-policy-reason"]).toBe("EWS is disabled for this user or tenant");
    expect(blocked.status).toBe(403);
    expect(blocked.headers["x-ews-policy-reason"]).toBe("EWS is blocked by policy for this user or tenant");
    expect(listed.status).toBe(200);
    expect(listed.headers["x-ews-policy-reason"]).toBeUndefined();
  });
});
