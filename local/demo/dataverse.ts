import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { syncDataverse, type DataverseSyncContext } from "../../lib/profiles/dataverse-sync.js";
import { demoDataverseMap, demoDataverseSettings } from "../../sim/dataverse/index.js";

export interface DemoDataverse {
  /** DATAVERSE_* settings (and the secret under the setting they name), DATAVERSE_MAP_FILE. */
  env: Record<string, string>;
  /** The first sync, before the host starts, so the status lists the profiles at once. */
  load(context: DataverseSyncContext): Promise<void>;
  stop(): Promise<void>;
}

/** The demo's profiles come from its simulated Dataverse environment, as a real deployment's would. */
export async function prepareDemoDataverse(): Promise<DemoDataverse> {
  const folder = await mkdtemp(join(tmpdir(), "demo-dataverse-"));
  const mapFile = join(folder, "dataverse-map.json");
  await writeFile(mapFile, JSON.stringify(demoDataverseMap({ monitorIds: true }), null, 2));
  return {
    env: { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: mapFile },
    async load(context) {
      const outcome = await syncDataverse(context);
      if (outcome.kind !== "synced") throw new Error(`the demo's Dataverse sync failed: ${JSON.stringify(outcome)}`);
      if (outcome.failed.length > 0) throw new Error(`demo profiles not written: ${JSON.stringify(outcome.failed)}`);
    },
    stop: () => rm(folder, { recursive: true, force: true }),
  };
}
