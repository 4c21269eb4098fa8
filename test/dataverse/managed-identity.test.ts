import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxColumns, mailboxRecord } from "../../lib/dataverse/wire.js";
import { demoDataverseHost, generateDataverse } from "../../sim/dataverse/index.js";
import { demoTenant, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { dataverseOrg, simClient } from "./support.js";

const bigProfile = "000000e5-0000-4000-8000-000000001000";
const systemAssigned = "5f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
const userAssigned = "6a2d3e4f-5b6c-4d7e-8f90-1b2c3d4e5f60";
const header = "sim-identity-header-value";

/** Function App managed identities from the simulator's App Service endpoint, as the platform sets them. */
describe("the Dataverse client with a managed identity", () => {
  let sim: SimulatedOrg;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  const tokenRequests = () => sim.counters.requestCount("127.0.0.1", "/msi/token");
  const read = (clientId?: string) =>
    simClient(sim, { identity: clientId === undefined ? { kind: "managed-identity" } : { kind: "managed-identity", clientId }, pageSize: 500 });
  const query = { select: mailboxColumns, filter: `_emailserverprofile_value eq ${bigProfile} and statecode eq 0` };

  beforeAll(async () => {
    const dataverse = generateDataverse({ host: demoDataverseHost, applicationUsers: [systemAssigned, userAssigned], mailboxesPerProfile: [2000] });
    sim = await startSimulatedOrg({ ...dataverseOrg(dataverse), managedIdentity: { tenant: demoTenant, header, systemAssigned, userAssigned: [userAssigned] } });
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${sim.endpoints.httpPort}/msi/token`;
    process.env.IDENTITY_HEADER = header;
  });
  afterAll(async () => {
    for (const [name, value] of [["IDENTITY_ENDPOINT", saved.endpoint], ["IDENTITY_HEADER", saved.header]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sim.stop();
  });

  it("reads every page with one token from the platform's endpoint, and reads again without asking for another", async () => {
    const client = read();
    const before = tokenRequests();
    const first = await client.readAll("mailboxes", query, mailboxRecord, "mailboxid");
    expect(first.ok && [first.value.records.length, first.value.pages]).toEqual([2000, 4]);
    const again = await client.readAll("mailboxes", query, mailboxRecord, "mailboxid");
    expect(again.ok && again.value.pages).toBe(4);
    expect(tokenRequests() - before).toBe(1);
  });

  it("signs in as the user-assigned identity it names", async () => {
    const before = tokenRequests();
    const result = await read(userAssigned).readAll("mailboxes", query, mailboxRecord, "mailboxid");
    expect(result.ok && result.value.records.length).toBe(2000);
    expect(tokenRequests() - before).toBe(1);
  });

  it("names an identity the app does not have as auth-failed, with what to turn on", async () => {
    const result = await read("7b3e4f50-6c7d-4e8f-9a01-2c3d4e5f6071").readAll("mailboxes", query, mailboxRecord, "mailboxid");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.category).toBe("auth-failed");
    expect(result.failure.remediation).toMatch(/managed identity|DATAVERSE_CLIENT_ID/);
  });
});
