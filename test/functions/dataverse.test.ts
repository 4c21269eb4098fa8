import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import azureFunctions from "@azure/functions";
import { dataverseSync } from "../../functions/dataverse-sync.js";
import { profilePut } from "../../functions/profile-put.js";
import { profileTestConnection } from "../../functions/profile-test-connection.js";
import { mailboxesTestAndEnable } from "../../functions/mailboxes-test-and-enable.js";
import { TokenCache } from "../../lib/auth/index.js";
import { getProfile, listProfiles } from "../../lib/store/profiles.js";
import { demoDataverseMap, demoDataverseSettings, demoProfileIds } from "../../sim/dataverse/index.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { startDataverseSim } from "../dataverse/support.js";
import { invocation, request, sent, testContext } from "../support/app.js";

const timer = { isPastDue: false, scheduleStatus: { last: "", next: "", lastUpdated: "" } } as azureFunctions.Timer;

describe("the dataverseSync timer and PUT on a profile from Dataverse", () => {
  let sim: SimulatedOrg;
  let env: Record<string, string>;
  beforeAll(async () => {
    sim = await startDataverseSim();
    const dir = await mkdtemp(join(tmpdir(), "fn-dv-"));
    await writeFile(join(dir, "map.json"), JSON.stringify(demoDataverseMap()));
    env = { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: join(dir, "map.json"), DATAVERSE_SYNC_CRON: "0 15 */2 * * *" };
  });
  afterAll(() => sim.stop());

  const context = () => testContext(env, { env, probe: { env, network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (h, p) => sim.connectTo(h, p) }, tokens: new TokenCache() } });

  it("takes its schedule from DATAVERSE_SYNC_CRON and runs at start; does nothing without DATAVERSE_URL", async () => {
    expect(dataverseSync.schedule(context().settings)).toBe("0 15 */2 * * *");
    expect(dataverseSync.schedule(testContext().settings)).toBe("0 0 * * * *");
    expect(dataverseSync.runOnStartup).toBe(true);
    const plain = testContext();
    plain.storage.requests.reset();
    await dataverseSync.handler(plain, timer, invocation());
    expect(plain.storage.requests.table).toBe(0);
  });

  it("syncs; PUT /api/profiles/{id} answers 409 with the reason for a profile from Dataverse; Test Connection and Test & Enable name the credentials a profile still needs", async () => {
    const ctx = context();
    await dataverseSync.handler(ctx, timer, invocation());
    expect((await listProfiles(ctx.storage)).length).toBe(7);
    const id = `dv-${demoProfileIds.northwind}`;
    const body = JSON.stringify({ name: "Changed", serverType: "exchange-server", owner: "a@northwind.com", auth: { kind: "basic", username: "u@northwind.com", passwordSetting: "P" }, mailboxes: [] });
    const reply = await sent(await profilePut.handler(ctx, request({ method: "PUT", params: { id }, body }), invocation()));
    expect(reply).toEqual({
      status: 409,
      body: { error: { code: "profile-from-dataverse", message: expect.stringMatching(/comes from Dataverse .*"Northwind Exchange 2016".* change it in Dynamics 365/) } },
    });
    expect((await getProfile(ctx.storage, id))?.profile.name).toBe("Northwind Exchange 2016");
    const woodgrove = `dv-${demoProfileIds.woodgrove}`;
    for (const [handler, route] of [[profileTestConnection, "test-connection"], [mailboxesTestAndEnable, "mailboxes/test-and-enable"]] as const) {
      const refused = await sent(await handler.handler(ctx, request({ method: "POST", params: { id: woodgrove }, body: "{}" }), invocation()));
      expect(refused, route).toMatchObject({ status: 400, body: { error: { details: [{ field: "DATAVERSE_MAP_FILE", message: expect.stringMatching(/needs credentials before it can be tested: .*username and passwordSetting/) }] } } });
    }
    const other = await sent(await profilePut.handler(ctx, request({ method: "PUT", params: { id: "hand-made" }, body }), invocation()));
    expect(other.status).toBe(201);
  });
});
