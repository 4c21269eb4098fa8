import { expect } from "vitest";
import { startLocalHost, type LocalHost, type LocalHostOptions } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { loadFunctions } from "../../local/load-functions.js";
import type { ProfileInput } from "../../lib/config/profile.js";
import { importProfile } from "../../lib/profiles/import.js";
import { createRuntime, setRuntime, type Runtime } from "../../lib/runtime.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets } from "./cycle-org.js";
import { simEnvironment } from "./sim.js";
import { testSettings } from "./storage.js";

export interface CycleApp {
  sim: SimulatedOrg;
  runtime: Runtime;
  host: LocalHost;
  stop(): Promise<void>;
}

/**
 * The whole app on the local host against the cycle organisation: its own tables, the given profiles imported,
 * timers fired by hand, queues polled quickly.
 */
export async function startCycleApp(profiles: ProfileInput[], host: Partial<LocalHostOptions> = {}): Promise<CycleApp> {
  const sim = await startSimulatedOrg(cycleOrganisation());
  const runtime = createRuntime(testSettings(), { probe: simEnvironment(sim, cycleSecrets) });
  setRuntime(runtime);
  for (const profile of profiles) expect((await importProfile(runtime.storage, profile)).ok).toBe(true);
  const local = await startLocalHost({
    registrations: await loadFunctions(),
    storage: runtime.storage,
    port: 0,
    scheduleTimers: false,
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } },
    log: () => {},
    ...host,
  });
  return {
    sim,
    runtime,
    host: local,
    async stop() {
      await local.stop();
      await sim.stop();
      setRuntime(undefined);
    },
  };
}
