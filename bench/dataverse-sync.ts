import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAppContext } from "../lib/app-context.js";
import { TokenCache } from "../lib/auth/index.js";
import { loadSettings } from "../lib/config/settings.js";
import { syncDataverse, type SyncOutcome } from "../lib/profiles/dataverse-sync.js";
import type { RunningAzurite } from "../local/azurite.js";
import { demoDataverseClientId, demoDataverseHost, demoDataverseSettings, generateDataverse, withDemoDataverse } from "../sim/dataverse/index.js";
import { demoOrganisation, startSimulatedOrg } from "../sim/index.js";
import type { BenchOptions } from "./args.js";
import { fixed, ms, printTable, verdict } from "./report.js";

export interface SyncPhase {
  name: string;
  wallMs: number;
  dataverseRequests: number;
  tableTransactions: number;
  perMailbox: number;
  changed: number;
}

/**
 * Benchmark: the Dataverse sync of 20 profiles × 500 mailboxes (10,000; --quick 2 × 500) from the simulator over
 * HTTPS into Azurite: a first sync into empty tables, a sync that changes nothing (target ≤ 0.02 table
 * transactions per mailbox, reads included), and one after Dynamics changed 1% of the mailboxes.
 */
export async function benchDataverseSync(options: BenchOptions, azurite: RunningAzurite): Promise<SyncPhase[]> {
  const profiles = options.quick ? 2 : 20;
  const perProfile = 500;
  const total = profiles * perProfile;
  const spec = generateDataverse({ host: demoDataverseHost, applicationUsers: [demoDataverseClientId], mailboxesPerProfile: Array(profiles).fill(perProfile), failEvery: 50 });
  const sim = await startSimulatedOrg(withDemoDataverse(demoOrganisation(), spec));
  const dir = await mkdtemp(join(tmpdir(), "bench-dv-"));
  try {
    const map = { profiles: spec.emailserverprofiles.map((p, i) => ({ name: p.name, username: `svc@generated-${i}.example`, passwordSetting: "GENERATED_PASSWORD" })) };
    await writeFile(join(dir, "map.json"), JSON.stringify(map));
    const env = {
      ...demoDataverseSettings(),
      DATAVERSE_MAP_FILE: join(dir, "map.json"),
      AzureWebJobsStorage: azurite.connectionString,
      TABLE_PREFIX: `dv${randomBytes(4).toString("hex")}`,
    };
    const context = createAppContext(loadSettings(env), {
      env,
      probe: { env, network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) }, tokens: new TokenCache() },
    });
    const phase = async (name: string): Promise<SyncPhase> => {
      context.storage.requests.reset();
      sim.dataverse!.resetCounters();
      const started = performance.now();
      const outcome: SyncOutcome = await syncDataverse(context);
      const wallMs = performance.now() - started;
      if (outcome.kind !== "synced") throw new Error(`sync failed: ${JSON.stringify(outcome)}`);
      const m = outcome.counts.mailboxes;
      const transactions = context.storage.requests.table;
      return { name, wallMs, dataverseRequests: sim.dataverse!.counters.requests, tableTransactions: transactions, perMailbox: transactions / total, changed: m.created + m.updated + m.deleted };
    };

    console.error(`dataverse: syncing ${profiles} × ${perProfile} mailboxes ...`);
    const phases = [await phase("first sync (empty tables)"), await phase("nothing changed")];
    const changedCount = Math.round(total / 100);
    const mailboxes = [...sim.dataverse!.rows("mailboxes")];
    for (let i = 0; i < changedCount; i++) {
      const m = mailboxes[(i * 97) % mailboxes.length]!;
      sim.dataverse!.put("mailboxes", { ...m, outgoingemailstatus: 2, lastsyncerror: "Outgoing email failed (bench)." });
    }
    phases.push(await phase(`Dynamics changed ${changedCount} mailboxes`));

    printTable(
      `Dataverse sync: ${profiles} profiles × ${perProfile} mailboxes (${total}), simulator over HTTPS → Azurite`,
      ["sync", "wall time", "requests to Dataverse", "rows written", "table transactions", "per mailbox", "target ≤ 0.02 (no change)"],
      phases.map((p, i) => [p.name, ms(p.wallMs), p.dataverseRequests, p.changed, p.tableTransactions, fixed(p.perMailbox, 4), i === 1 ? verdict(p.perMailbox <= 0.02) : ""]),
    );
    return phases;
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
