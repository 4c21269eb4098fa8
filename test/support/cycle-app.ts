import { expect } from "vitest";
import { startLocalHost, type LocalHost, type LocalHostOptions } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import type { ProfileInput } from "../../lib/config/profile.js";
import { importProfile } from "../../lib/profiles/import.js";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cycleOrganisation, cycleSecrets } from "./cycle-org.js";
import { simEnvironment } from "./sim.js";
import { testSettings } from "./storage.js";

export interface CycleApp {
  sim: SimulatedOrg;
  context: AppContext;
  host: LocalHost;
  stop(): Promise<void>;
}

/** The local host for a test: any free port, timers fired by hand, queues polled every 200 ms, nothing logged. */
export function startQuietHost(context: AppContext, host: Partial<LocalHostOptions> = {}): Promise<LocalHost> {
  return startLocalHost({
    context,
    port: 0,
    scheduleTimers: false,
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } },
    log: () => {},
    ...host,
  });
}

/**
 * The whole app on the local host against the cycle organisation: its own tables, the given profiles imported,
 * timers fired by hand, queues polled quickly.
 */
export async function startCycleApp(profiles: ProfileInput[], host: Partial<LocalHostOptions> = {}, env: Record<string, string> = {}, now?: () => Date): Promise<CycleApp> {
  const sim = await startSimulatedOrg(cycleOrganisation());
  const context = createAppContext(testSettings(), { probe: simEnvironment(sim, { ...cycleSecrets, ...env }), ...(now === undefined ? {} : { now }) });
  for (const profile of profiles) expect((await importProfile(context.storage, profile)).ok).toBe(true);
  const local = await startQuietHost(context, host);
  return {
    sim,
    context,
    host: local,
    async stop() {
      await local.stop();
      await sim.stop();
    },
  };
}
