import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { agreementKinds } from "../../lib/model/dynamics.js";
import { syncDataverse } from "../../lib/profiles/dataverse-sync.js";
import { readDynamicsView } from "../../lib/store/dynamics.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { readSummary } from "../../lib/store/summaries.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { demoDataverseMap, demoDataverseSettings, demoMonitorIds, withDemoDataverse } from "../../sim/dataverse/index.js";
import { demoClientId, demoOrganisation, demoTenant, startSimulatedOrg, tailspinSyncClientId, wingtipClientId, wingtipTenant, type SimulatedOrg } from "../../sim/index.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";

/** The demo as `npm start` runs it: profiles from the simulated Dataverse, one probe cycle against the simulated Exchange. */
describe("the demo's Dynamics verdicts beside the probe's after a real cycle", () => {
  let sim: SimulatedOrg;
  let context: AppContext;
  let host: LocalHost;
  beforeAll(async () => {
    sim = await startSimulatedOrg(withDemoDataverse(demoOrganisation()));
    const dir = await mkdtemp(join(tmpdir(), "dv-demo-"));
    await writeFile(join(dir, "map.json"), JSON.stringify(demoDataverseMap({ monitorIds: true })));
    const env = { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: join(dir, "map.json") };
    context = createAppContext(testSettings(env), { probe: simEnvironment(sim, env) });
    const synced = await syncDataverse(context);
    expect(synced.kind).toBe("synced");
    host = await startLocalHost({ context, port: 0, scheduleTimers: false, hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } }, log: () => {} });
    await host.timers.fire("schedule");
    await host.queues.idle(90_000);
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await sim?.stop();
  });

  const view = async (id: string) => {
    const summary = await readSummary(context.storage, id);
    return readDynamicsView(context.storage, summary!, await listMailboxes(context.storage, id), new Date());
  };

  it("shows every agreement class among the demo profiles, each mailbox with its explanation, and the roll-up's counts match", async () => {
    const seen = new Set<string>();
    for (const id of Object.values(demoMonitorIds)) {
      const v = await view(id);
      expect(v, id).toBeDefined();
      for (const m of v!.mailboxes) seen.add(m.agreement);
      const summary = await readSummary(context.storage, id);
      expect(summary?.dynamics?.agreement, id).toEqual(v!.counts);
    }
    expect([...seen].sort()).toEqual([...agreementKinds].sort());

    const fabrikam = await view(demoMonitorIds.fabrikam);
    const of = (address: string) => fabrikam!.mailboxes.find((m) => m.address === address)!;
    expect(of("mallory@fabrikam.com")).toMatchObject({ agreement: "both-fail", dynamics: { overall: "failure" }, alerts: [{ level: "error", text: expect.stringMatching(/does not exist/) }] });
    expect(of("sybil@fabrikam.com")).toMatchObject({ agreement: "probe-fails-dynamics-passes", alerts: [] });
    const contoso = await view(demoMonitorIds.contoso);
    expect(contoso!.mailboxes.find((m) => m.address === "erin@contoso.com")?.explanation).toMatch(/CRM side: Dynamics has postponed processing this mailbox until/);
    const woodgrove = await readSummary(context.storage, demoMonitorIds.woodgrove);
    expect(woodgrove?.dynamics).toMatchObject({ credentials: "missing", agreement: { "not-compared": 2 } });
    expect(woodgrove?.health).toBe("unknown");
  });

  it("the cycle's daily readiness check says whose answers they are, from the app each email server profile names", async () => {
    const tailspin = await readSummary(context.storage, demoMonitorIds.tailspin);
    expect(tailspin?.readiness).toMatchObject({
      checkedBy: "daily-check",
      speaksFor: { kind: "monitor-app", app: { tenantId: demoTenant, clientId: demoClientId }, syncApp: { tenantId: demoTenant, clientId: tailspinSyncClientId } },
    });
    const wingtip = await readSummary(context.storage, demoMonitorIds.wingtip);
    expect(wingtip?.readiness).toMatchObject({ checkedBy: "daily-check", ews: "blocked-by-policy", speaksFor: { kind: "sync-app", app: { tenantId: wingtipTenant, clientId: wingtipClientId } } });
  });
});
