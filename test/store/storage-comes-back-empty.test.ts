import { afterEach, describe, expect, inject, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableServiceClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { createAppContext } from "../../lib/app-context.js";
import { tableNames } from "../../lib/store/storage.js";
import { readSummary } from "../../lib/store/summaries.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { defaultHostConfig } from "../../local/host-config.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { contosoProfile, cycleOrganisation, cycleSecrets } from "../support/cycle-org.js";
import { simEnvironment } from "../support/sim.js";
import { testSettings } from "../support/storage.js";

let host: LocalHost | undefined;
let sim: SimulatedOrg | undefined;
afterEach(async () => {
  await host?.stop();
  await sim?.stop();
  host = sim = undefined;
});

describe("storage that comes back empty (tables and queue deleted while the app runs)", () => {
  it("recreates what is missing, re-imports PROFILE_FILES whose profiles are gone, and says 'imported' only when it imported", async () => {
    const dir = await mkdtemp(join(tmpdir(), "profiles-"));
    const file = join(dir, "contoso.json");
    await writeFile(file, JSON.stringify(contosoProfile()));
    sim = await startSimulatedOrg(cycleOrganisation());
    const settings = testSettings({ PROFILE_FILES: file });
    const context = createAppContext(settings, { probe: simEnvironment(sim, cycleSecrets) });
    const lines: string[] = [];
    host = await startLocalHost({
      context,
      port: 0,
      scheduleTimers: false,
      hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200 } },
      log: (line) => lines.push(line),
    });
    const imports = () => lines.filter((l) => l.includes(`imported ${file} as profile contoso`)).length;
    const cycle = async () => {
      await host!.timers.fire("schedule");
      await host!.queues.idle(60_000);
    };

    await cycle();
    expect(imports()).toBe(1);
    expect((await readSummary(context.storage, "contoso"))?.lastHour).toMatchObject({ processed: 6, failed: 0 });

    // Storage restarted empty: every table and the queue are gone, behind the app's back.
    const connectionString = inject("storageConnectionString");
    const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    for (const name of tableNames) await service.deleteTable(`${settings.tablePrefix}${name}`);
    await new QueueClient(connectionString, settings.probeQueue).delete();

    await cycle();
    expect(lines.filter((l) => /TableNotFound|QueueNotFound|failed in/.test(l))).toEqual([]);
    expect(imports()).toBe(2);
    expect((await readSummary(context.storage, "contoso"))?.lastHour).toMatchObject({ processed: 6, failed: 0 });

    // Nothing gone this time: nothing imported, nothing said.
    await cycle();
    expect(imports()).toBe(2);
  }, 120_000);
});
