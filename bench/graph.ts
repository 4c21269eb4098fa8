import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { ProfileInput } from "../lib/config/profile.js";
import { importProfile } from "../lib/profiles/import.js";
import { createStorage } from "../lib/store/storage.js";
import type { RunningAzurite } from "../local/azurite.js";
import { startSimulatedOrg, throwawaySecret, type OrgSpec } from "../sim/index.js";
import type { BenchOptions } from "./args.js";
import { workerFlags } from "./probe.js";
import { Agent, request } from "undici";
import { describeFloor, type FloorResult } from "./floor.js";
import { rpc, stopWorker, type CycleReport } from "./probe-protocol.js";
import { fixed, median, ms, printTable, verdict } from "./report.js";

/**
 * Benchmark: one Exchange Online profile's probe cycle through Microsoft Graph beside the same profile through EWS
 * (`api: "ews"`), in the same run, against the simulator's latency model: every Graph `$batch` and every EWS request
 * is answered after L ms, the login host answers at once. Each cycle is the real one, run by bench/probe-worker.ts in
 * a process of its own as the EWS probe benchmark does (schedule, the queue message, Test Connection, the mailbox
 * checks, recording and the roll-up into Azurite), one shard of M mailboxes.
 */

const tenant = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
const clientId = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const secret = throwawaySecret("bench-graph");
const domain = "online.bench.test";
const syncRoles = ["Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite", "Tasks.ReadWrite.All", "MailboxConfigItem.ReadWrite"];

type Wire = "graph" | "ews";

interface GraphCycle {
  wallMs: number;
  checked: number;
  failed: number;
  graphRequests: number;
  ewsRequests: number;
  throttled: number;
  peakConnections: number;
  /** Before the first request to Exchange (reading the tables), while requests are out, after the last one (recording, roll-up). */
  phases: { beforeMs: number; exchangeMs: number; afterMs: number };
  /** CPU of the app's process over the cycle (the simulator and Azurite run in processes of their own). */
  cpuMs: number;
}

interface WireResult {
  wire: Wire;
  mailboxes: number;
  lowerBoundMs: number;
  warmUp: GraphCycle;
  cycles: GraphCycle[];
  /** A bare client's pass over the same requests (bench/floor.ts). */
  floor: FloorResult;
}

function organisation(mailboxes: number, latencyMs: number): OrgSpec {
  return {
    domains: [{ name: domain }],
    servers: [{ name: "outlook.office365.com", build: "15.20.7452.28", auth: ["bearer"], group: domain, knobs: { latencyMs } }],
    mailboxes: Array.from({ length: mailboxes }, (_, m) => ({ address: `user${m}@${domain}`, server: "outlook.office365.com" })),
    oauthApps: [{ tenant, clientId, clientSecret: secret, impersonation: "all", roles: ["full_access_as_app", ...syncRoles] }],
  };
}

function profile(wire: Wire, mailboxes: number, maxConcurrentConnections: number): ProfileInput {
  const ews = "https://outlook.office365.com/EWS/Exchange.asmx";
  return {
    id: `bench-${wire}`,
    name: `Bench Exchange Online through ${wire}`,
    serverType: "exchange-online",
    owner: `admin@${domain}`,
    autodiscover: false,
    ...(wire === "ews" ? { api: "ews" as const, incomingUrl: ews, outgoingUrl: ews } : {}),
    auth: { kind: "oauth", tenantId: tenant, clientId, clientSecretSetting: "BENCH_GRAPH_SECRET" },
    pollingIntervalMinutes: 5,
    maxConcurrentConnections,
    mailboxes: Array.from({ length: mailboxes }, (_, m) => ({ address: `user${m}@${domain}`, approved: true })),
  };
}

/**
 * The bounds the latency model implies for a steady-state cycle (token cached, readiness checked the day before):
 * Graph: ⌈⌈M/4⌉/C⌉ × L — ⌈M/4⌉ batches, C at a time; Test Connection's steps are answered by the batch that carries
 * its test mailbox, one of them. EWS: ⌈M/C⌉ × L, as bench/probe.ts counts it (Test Connection's request is the test
 * mailbox's check).
 */
export function graphLowerBoundMs(mailboxes: number, connections: number, latencyMs: number): number {
  return Math.ceil(Math.ceil(mailboxes / 4) / connections) * latencyMs;
}
export const ewsLowerBoundMs = (mailboxes: number, connections: number, latencyMs: number): number => Math.ceil(mailboxes / connections) * latencyMs;

export async function benchGraph(options: BenchOptions, azurite: RunningAzurite): Promise<WireResult[]> {
  const results: WireResult[] = [];
  for (const mailboxes of options.graphSizes) {
    for (const wire of ["graph", "ews"] as const) {
      console.error(`graph: 1 × ${mailboxes} mailboxes through ${wire}, C=${options.connections}, latency ${options.latencyMs} ms ...`);
      results.push(await benchWire(options, azurite, wire, mailboxes));
    }
  }
  printGraph(options, results);
  return results;
}

async function benchWire(options: BenchOptions, azurite: RunningAzurite, wire: Wire, mailboxes: number): Promise<WireResult> {
  const C = options.connections;
  const L = options.latencyMs;
  const sim = await startSimulatedOrg(organisation(mailboxes, L));
  // The app runs in bench/probe-worker.ts's process, as in the EWS probe benchmark: its CPU and event loop are its own.
  const worker = fork(fileURLToPath(new URL("./probe-worker.js", import.meta.url)), [], { execArgv: ["--expose-gc", ...workerFlags()], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    sim.setServer("graph.microsoft.com", { latencyMs: L });
    const tablePrefix = `g${randomBytes(4).toString("hex")}`;
    const storage = createStorage({ kind: "connection-string", connectionString: azurite.connectionString }, { tablePrefix });
    const imported = await importProfile(storage, profile(wire, mailboxes, C));
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    const call = rpc(worker);
    await call({
      type: "init",
      connectionString: azurite.connectionString,
      tablePrefix,
      probeQueue: `bench-graph-${randomBytes(4).toString("hex")}`,
      shardSize: Math.max(options.shardSize, mailboxes),
      sim: { dnsServers: sim.dnsServers, caPem: sim.endpoints.caPem, httpsPort: sim.endpoints.httpsPort, httpPort: sim.endpoints.httpPort },
      secrets: { BENCH_GRAPH_SECRET: secret },
      advanceMinutes: 6,
    });
    const cycle = async (index: number): Promise<GraphCycle> => {
      sim.counters.reset();
      const report = (await call({ type: "cycle", index })) as CycleReport;
      if (report.errors.length > 0) console.error(`  cycle ${index}: ${report.errors.length} errors, first: ${report.errors[0]}`);
      const measured: GraphCycle = {
        wallMs: report.wallMs,
        checked: report.checked,
        failed: report.failed,
        graphRequests: sim.counters.requestCount("graph.microsoft.com"),
        ewsRequests: sim.counters.requestCount("outlook.office365.com"),
        throttled: sim.counters.graph.throttled,
        peakConnections: sim.counters.connections().peak,
        phases: { beforeMs: report.phases.beforeExchangeMs, exchangeMs: report.phases.exchangeMs, afterMs: report.phases.afterExchangeMs },
        cpuMs: report.cpuMs,
      };
      const p = measured.phases;
      console.error(
        `  ${wire} cycle ${index}${index === 0 ? " (warm-up: token, readiness)" : ""}: ${ms(report.wallMs)}, ${report.checked} checked, ${report.failed} failed, ` +
          `${measured.graphRequests} Graph / ${measured.ewsRequests} EWS requests, ${measured.throttled} throttled, peak ${measured.peakConnections} connections; ` +
          `before / during / after Exchange ${ms(p.beforeMs)} / ${ms(p.exchangeMs)} / ${ms(p.afterMs)}; on the wire ${report.phases.wireMs.toFixed(2)} ms per request, between requests ${report.phases.gapMs.mean.toFixed(2)} ms (p90 ${report.phases.gapMs.p90.toFixed(2)}); app CPU ${ms(report.cpuMs)}`,
      );
      return measured;
    };
    const floor = await measureWireFloor(call, sim, wire, mailboxes, C);
    console.error(describeFloor(`${wire} floor`, floor));
    const warmUp = await cycle(0);
    const cycles: GraphCycle[] = [];
    for (let i = 1; i <= options.cycles; i++) cycles.push(await cycle(i));
    await stopWorker(worker);
    return { wire, mailboxes, lowerBoundMs: wire === "graph" ? graphLowerBoundMs(mailboxes, C, L) : ewsLowerBoundMs(mailboxes, C, L), warmUp, cycles, floor };
  } finally {
    if (worker.exitCode === null) worker.kill();
    await sim.stop();
  }
}

/** The floor for one wire: an app token from the simulated Entra, then the wire's requests from the worker's process. */
async function measureWireFloor(call: ReturnType<typeof rpc>, sim: Awaited<ReturnType<typeof startSimulatedOrg>>, wire: Wire, mailboxes: number, connections: number): Promise<FloorResult> {
  const host = wire === "graph" ? "graph.microsoft.com" : "outlook.office365.com";
  const login = new Agent({ connect: { ca: sim.endpoints.caPem, servername: "login.microsoftonline.com" } });
  const answer = await request(`https://127.0.0.1:${sim.endpoints.httpsPort}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { host: "login.microsoftonline.com", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: `https://${host}/.default` }).toString(),
    dispatcher: login,
  });
  const token = ((await answer.body.json()) as { access_token?: string }).access_token;
  await login.close();
  if (token === undefined) throw new Error(`floor: no token for ${host} (HTTP ${answer.statusCode})`);
  const target = { httpsPort: sim.endpoints.httpsPort, caPem: sim.endpoints.caPem, connections };
  const work = { kind: wire === "graph" ? ("graph-batch" as const) : ("ews-getfolder" as const), host, domain, authorization: `Bearer ${token}`, mailboxes };
  return (await call({ type: "floor", target, work })) as FloorResult;
}

function printGraph(options: BenchOptions, results: WireResult[]): void {
  const C = options.connections;
  printTable(
    `Exchange Online probe cycle, Microsoft Graph beside EWS (latency ${options.latencyMs} ms per Graph batch and per EWS request, C=${C}, one shard, median of ${options.cycles} cycles after a warm-up cycle)`,
    ["1 × M", "wire", "wall (min–max)", "lower bound", "ratio ≤1.10", "floor: bare client (÷ bound)", "wall ÷ floor", "before / during / after Exchange", "during ÷ bound", "app CPU", "mailboxes/s", "Graph req/mailbox ≤0.3", "EWS req/mailbox", "throttled", "peak conns ≤C", "failed"],
    results.map((r) => {
      const walls = r.cycles.map((c) => c.wallMs);
      const wall = median(walls);
      const ratio = wall / r.lowerBoundMs;
      const checked = median(r.cycles.map((c) => c.checked));
      const graphPer = median(r.cycles.map((c) => c.graphRequests / Math.max(1, c.checked)));
      const peak = Math.max(...r.cycles.map((c) => c.peakConnections));
      return [
        `1 × ${r.mailboxes.toLocaleString("en")}`,
        r.wire === "graph" ? "Graph" : "EWS",
        `${ms(wall)} (${ms(Math.min(...walls))}–${ms(Math.max(...walls))})`,
        `${ms(r.lowerBoundMs)} ${r.wire === "graph" ? "⌈⌈M/4⌉/C⌉ × L" : "⌈M/C⌉ × L"}`,
        `${fixed(ratio)} ${verdict(ratio <= 1.1)}`,
        `${ms(r.floor.wallMs)} (${fixed(r.floor.wallMs / r.lowerBoundMs)})`,
        fixed(wall / r.floor.wallMs),
        [(c: GraphCycle) => c.phases.beforeMs, (c: GraphCycle) => c.phases.exchangeMs, (c: GraphCycle) => c.phases.afterMs].map((f) => ms(median(r.cycles.map(f)))).join(" / "),
        fixed(median(r.cycles.map((c) => c.phases.exchangeMs)) / r.lowerBoundMs),
        ms(median(r.cycles.map((c) => c.cpuMs))),
        Math.round((checked / wall) * 1000),
        r.wire === "graph" ? `${fixed(graphPer, 3)} ${verdict(graphPer <= 0.3)}` : "—",
        fixed(median(r.cycles.map((c) => c.ewsRequests / Math.max(1, c.checked))), 3),
        Math.max(...r.cycles.map((c) => c.throttled)),
        `${peak} ${verdict(peak <= C)}`,
        median(r.cycles.map((c) => c.failed)),
      ];
    }),
  );
  printTable(
    "Warm-up cycle (token fetched, readiness checked once for the day: not held to the bound)",
    ["1 × M", "wire", "wall", "Graph requests", "EWS requests", "failed"],
    results.map((r) => [`1 × ${r.mailboxes.toLocaleString("en")}`, r.wire, ms(r.warmUp.wallMs), r.warmUp.graphRequests, r.warmUp.ewsRequests, r.warmUp.failed]),
  );
}
