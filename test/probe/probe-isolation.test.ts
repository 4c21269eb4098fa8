import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { loadFunctions } from "../../local/load-functions.js";
import { importProfile } from "../../lib/profiles/import.js";
import { createRuntime, setRuntime, type Runtime } from "../../lib/runtime.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { decodeQueuePayload } from "../../lib/store/queue-payload.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { contosoProfile, cycleOrganisation, cycleSecrets, litwareProfile } from "../support/cycle-org.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";

let sim: SimulatedOrg;
let runtime: Runtime;
let host: LocalHost;
const logs: string[] = [];

beforeAll(async () => {
  sim = await startSimulatedOrg(cycleOrganisation());
  runtime = createRuntime(testSettings(), { probe: simEnvironment(sim, cycleSecrets) });
  setRuntime(runtime);
  for (const profile of [contosoProfile(), litwareProfile()]) expect((await importProfile(runtime.storage, profile)).ok).toBe(true);
  // Break litware's stored settings the way a bad manual edit of the table would: its auth is gone.
  const profiles = await runtime.storage.table("profiles");
  const entity = await profiles.getEntity<{ settings: string }>("profile", "litware");
  const settings = JSON.parse(entity.settings) as Record<string, unknown>;
  delete settings.auth;
  await profiles.updateEntity({ partitionKey: "profile", rowKey: "litware", settings: JSON.stringify(settings) }, "Merge");

  host = await startLocalHost({
    registrations: await loadFunctions(),
    storage: runtime.storage,
    port: 0,
    scheduleTimers: false,
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200, visibilityTimeoutMs: 0 } },
    log: (line) => logs.push(line),
  });
  await host.timers.fire("schedule");
  await host.queues.idle(60_000);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await sim?.stop();
  setRuntime(undefined);
});

describe("one profile's failure never stops the others", () => {
  it("completes the healthy profile while the broken one's probe throws", async () => {
    const contoso = await listMailboxes(runtime.storage, "contoso");
    expect(contoso.map((m) => m.state)).toEqual(Array(6).fill("enabled"));
    const litware = await listMailboxes(runtime.storage, "litware");
    expect(litware.every((m) => m.lastCheckedAt === undefined)).toBe(true);
  });

  it("keeps the broken profile's message in the poison queue after five tries, with the error logged", async () => {
    const poison = await (await runtime.storage.queue(`${runtime.settings.probeQueue}-poison`)).receiveMessages({ numberOfMessages: 10 });
    expect(poison.receivedMessageItems.map((m) => (decodeQueuePayload(m.messageText) as { profileId: string }).profileId)).toEqual(["litware"]);
    expect(logs.filter((l) => l.startsWith("probe (queue") && l.includes("failed")).length).toBe(5);
  });
});
