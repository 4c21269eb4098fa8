import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { readEnvironment } from "../../lib/dataverse/pull.js";
import type { DataverseClient } from "../../lib/dataverse/client.js";
import { mailboxColumns, mailboxRecord } from "../../lib/dataverse/wire.js";
import { demoDataverseClientId, generateDataverse, demoDataverseHost } from "../../sim/dataverse/index.js";
import { demoTenant, throwawaySecret, type SimulatedOrg } from "../../sim/index.js";
import { appIdentity, simClient, startDataverseSim } from "./support.js";

const bigProfile = "000000e5-0000-4000-8000-000000001000";
/** The 5,000 active mailboxes of the big profile. */
const bigProfileMailboxes = { select: mailboxColumns, filter: `_emailserverprofile_value eq ${bigProfile} and statecode eq 0` };
const readBigProfile = (client: DataverseClient) => client.readAll("mailboxes", bigProfileMailboxes, mailboxRecord, "mailboxid");

/** Every one of the big profile's 5,000 mailboxes read, each once; their ids. */
function expectEachMailboxOnce(records: readonly { mailboxid: string }[]): string[] {
  const ids = records.map((m) => m.mailboxid);
  expect(ids).toHaveLength(5000);
  expect(new Set(ids).size).toBe(5000);
  return ids;
}

describe("Dataverse client against the simulator over HTTPS", () => {
  let sim: SimulatedOrg;
  const expiredApp = { clientId: "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", secret: throwawaySecret("expired-app") };
  const strangerApp = { clientId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", secret: throwawaySecret("stranger-app") };
  const proxiedApp = { clientId: "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e", secret: throwawaySecret("proxied-app") };

  beforeAll(async () => {
    const dataverse = generateDataverse({ host: demoDataverseHost, applicationUsers: [demoDataverseClientId, expiredApp.clientId], mailboxesPerProfile: [5000, 3] });
    sim = await startDataverseSim(dataverse, [
      { tenant: demoTenant, clientId: expiredApp.clientId, clientSecret: expiredApp.secret, clientSecretExpired: true },
      { tenant: demoTenant, clientId: strangerApp.clientId, clientSecret: strangerApp.secret },
      { tenant: demoTenant, clientId: proxiedApp.clientId, clientSecret: proxiedApp.secret, tokenAnswer: { status: 200, body: "<html>Sign in to the proxy</html>" } },
    ]);
  });
  afterAll(() => sim.stop());

  it("reads 5,000 mailboxes at page size 1,000 in five pages, every mailbox once (the simulator refuses $skip)", async () => {
    const client = simClient(sim, { pageSize: 1000 });
    sim.dataverse!.resetCounters();
    const before = sim.counters.requests.length;
    const read = await readBigProfile(client);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expectEachMailboxOnce(read.value.records);
    expect(read.value.pages).toBe(5);
    expect(sim.dataverse!.counters.pages.mailboxes).toBe(5);
    const sent = sim.counters.requests.slice(before).filter((r) => r.host === demoDataverseHost);
    expect(sent).toHaveLength(5);
    expect(client.requests).toBe(5);
  });

  it("keeps the first copy of a record that comes twice across pages, and names the others", async () => {
    const client = simClient(sim, { pageSize: 1000 });
    sim.dataverse!.setKnobs({ pageOverlap: 3 });
    try {
      const read = await readBigProfile(client);
      expect(read.ok).toBe(true);
      if (!read.ok) return;
      const ids = expectEachMailboxOnce(read.value.records);
      expect(read.value.invalid.length).toBeGreaterThanOrEqual(12);
      expect(read.value.invalid[0]).toMatchObject({ reason: "mailboxes: the record came twice while the pages were read; its first copy is kept" });
      expect(ids).toContain(read.value.invalid[0]!.id);
    } finally {
      sim.dataverse!.setKnobs({ pageOverlap: 0 });
    }
  });

  it("stops a read past its page or record limit with the reason, instead of holding pages without end", async () => {
    const pages = await readBigProfile(simClient(sim, { pageSize: 1000, limits: { maxPages: 3 } }));
    expect(!pages.ok && pages.failure).toMatchObject({ category: "invalid-response", code: "TOO_MANY_PAGES", message: expect.stringMatching(/mailboxes: more than 3 pages \(3000 records so far\)/) });
    const records = await readBigProfile(simClient(sim, { pageSize: 1000, limits: { maxRecords: 2500 } }));
    expect(!records.ok && records.failure).toMatchObject({ category: "invalid-response", code: "TOO_MANY_RECORDS", message: expect.stringMatching(/mailboxes: more than 2500 records/) });
    // Rows that come again count too: 5,000 mailboxes in pages that each repeat 900 of the last are 40,000 rows held.
    sim.dataverse!.setKnobs({ pageOverlap: 900 });
    try {
      const repeated = await readBigProfile(simClient(sim, { pageSize: 1000, limits: { maxRecords: 6000 } }));
      expect(!repeated.ok && repeated.failure).toMatchObject({ code: "TOO_MANY_RECORDS" });
    } finally {
      sim.dataverse!.setKnobs({ pageOverlap: 0 });
    }
  });

  it("waits out each 429 for its Retry-After, then reads on", async () => {
    const waits: number[] = [];
    const client = simClient(sim, { pageSize: 1000, sleep: async (ms) => void waits.push(ms) });
    sim.dataverse!.setKnobs({ throttleNext: 2, retryAfterSeconds: 3 });
    const read = await readEnvironment(client);
    expect(read.ok).toBe(true);
    expect(waits).toEqual([3000, 3000]);
    expect(client.throttled).toBe(2);
    expect(sim.dataverse!.counters.throttled).toBeGreaterThanOrEqual(2);
    expect(read.ok && [...read.value.mailboxes.values()].reduce((n, l) => n + l.length, 0)).toBe(5003);
  });

  it("gives up with server-busy when throttling outlasts its retries", async () => {
    const client = simClient(sim, { throttle: { maxRetries: 2 }, sleep: async () => undefined });
    sim.dataverse!.setKnobs({ throttleNext: 10, retryAfterSeconds: 7 });
    const read = await readEnvironment(client);
    sim.dataverse!.setKnobs({ throttleNext: 0 });
    expect(!read.ok && read.failure).toMatchObject({ category: "server-busy", code: "0x80072322", retryAfterMs: 7000, transient: true });
    expect(!read.ok && read.failure.remediation).toMatch(/service protection limits/);
  });

  it("advises on Microsoft Entra ID, not DATAVERSE_URL, when the token cannot be had: a page in Entra's place, Entra unreachable", async () => {
    const proxied = await readEnvironment(simClient(sim, { identity: appIdentity(proxiedApp.clientId, proxiedApp.secret) }));
    expect(!proxied.ok && proxied.failure).toMatchObject({ category: "invalid-response", code: "TokenAnswerInvalid", transient: true });
    expect(!proxied.ok && proxied.failure.remediation).toMatch(/answered in Microsoft Entra ID's place/);
    expect(!proxied.ok && proxied.failure.remediation).not.toMatch(/DATAVERSE_URL/);
    const unreachable = await readEnvironment(simClient(sim, { authorityHost: "https://login.unreachable-entra.test" }));
    expect(!unreachable.ok && unreachable.failure.remediation).toMatch(/^Microsoft Entra ID at login\.unreachable-entra\.test could not be reached/);
  });

  it("names a token for the wrong audience as auth-failed, with the fix", async () => {
    const client = simClient(sim, { scope: "https://outlook.office365.com/.default" });
    const read = await readEnvironment(client);
    expect(!read.ok && read.failure).toMatchObject({ category: "auth-failed", code: "401-audience", transient: false });
    expect(!read.ok && read.failure.message).toMatch(/audience/);
    expect(!read.ok && read.failure.remediation).toMatch(/DATAVERSE_URL/);
  });

  it("names an expired client secret as auth-failed with Entra's code and the fix, never the secret", async () => {
    const client = simClient(sim, { identity: appIdentity(expiredApp.clientId, expiredApp.secret) });
    const read = await readEnvironment(client);
    expect(!read.ok && read.failure).toMatchObject({ category: "auth-failed", code: "AADSTS7000222" });
    expect(!read.ok && read.failure.remediation).toMatch(/has expired.*DATAVERSE_CLIENT_SECRET_SETTING/);
    expect(JSON.stringify(read)).not.toContain(expiredApp.secret);
    expect(client.requests).toBe(0);
  });

  it("names an app that is no application user of the environment (403) as auth-failed with the fix", async () => {
    const client = simClient(sim, { identity: appIdentity(strangerApp.clientId, strangerApp.secret) });
    const read = await readEnvironment(client);
    expect(!read.ok && read.failure).toMatchObject({ category: "auth-failed", code: "0x80072560" });
    expect(!read.ok && read.failure.remediation).toMatch(/application user/);
  });

  it("classifies an unreachable environment by lib/net's vocabulary with Dataverse's advice", async () => {
    const client = simClient(sim, { environment: "https://nowhere.crm.dynamics.com" });
    const read = await readEnvironment(client);
    expect(!read.ok && read.failure.category).toBe("dns");
    expect(!read.ok && read.failure.remediation).toMatch(/DATAVERSE_URL/);
  });

  it("classifies what is not the Web API: a 404 page as http-status, a login page answered 200 as invalid-response", async () => {
    const notFound = await readEnvironment(simClient(sim, { environment: "https://mail.contoso.com" }));
    expect(!notFound.ok && notFound.failure).toMatchObject({ category: "http-status", code: "404", transient: false });
    sim.setServer("mail.contoso.com", { htmlLoginPage: true });
    try {
      const login = await readEnvironment(simClient(sim, { environment: "https://mail.contoso.com" }));
      expect(!login.ok && login.failure).toMatchObject({ category: "invalid-response", code: "200" });
      expect(!login.ok && login.failure.message).toMatch(/not JSON \(text\/html/);
    } finally {
      sim.setServer("mail.contoso.com", { htmlLoginPage: false });
    }
  });

  it("never lets the token or the secret out in a failure, even when Dataverse quotes the Authorization header", async () => {
    const client = simClient(sim);
    sim.dataverse!.setKnobs({ echoAuthorizationNext: 1 });
    const read = await readEnvironment(client);
    expect(!read.ok && read.failure).toMatchObject({ category: "http-status", code: "0x80040216" });
    expect(!read.ok && read.failure.message).toMatch(/Authorization: Bearer \[redacted\]/);
    expect(JSON.stringify(read)).not.toMatch(/Bearer (?!\[redacted\])\S/);
  });
});

describe("a Dataverse token refused (401)", () => {
  it("is dropped from the cache, so the next read fetches a new token instead of failing until it expires", async () => {
    const cache = new TokenCache();
    // The first simulator's token is cached; a second one signs with another key, so it refuses that token.
    const first = await startDataverseSim();
    try {
      expect((await readEnvironment(simClient(first, { tokens: cache }))).ok).toBe(true);
    } finally {
      await first.stop();
    }
    const second = await startDataverseSim();
    try {
      const tokens = () => second.counters.requestCount("login.microsoftonline.com", `/${demoTenant}/oauth2/v2.0/token`);
      const refused = await readEnvironment(simClient(second, { tokens: cache }));
      expect(!refused.ok && refused.failure).toMatchObject({ category: "auth-failed", code: "401" });
      expect(tokens()).toBe(0);
      expect((await readEnvironment(simClient(second, { tokens: cache }))).ok).toBe(true);
      expect(tokens()).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
