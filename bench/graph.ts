import { randomBytes } from "node:crypto";
import diagnostics from "node:diagnostics_channel";
import { clearTokenCache } from "../lib/auth/index.js";
import type { ProfileInput } from "../lib/config/profile.js";
import { decodeQueuePayload, parseProbeMessage, type ProbeMessage } from "../lib/cycle/message.js";
import { runProbe } from "../lib/cycle/run.js";
import { runSchedule } from "../lib/cycle/schedule.js";
import { importProfile } from "../lib/profiles/import.js";
import { createStorage, type Storage } from "../lib/store/storage.js";
import type { RunningAzurite } from "../local/azurite.js";
import { startSimulatedOrg, throwawaySecret, type OrgSpec, type SimulatedOrg } from "../sim/index.js";
import type { BenchOptions } from "./args.js";
import { fixed, median, ms, printTable, verdict } from "./report.js";

/**
 * Benchmark: one Exchange Online profile's probe cycle through Microsoft Graph beside the same profile through EWS
 * (`api: "ews"`), in the same run, against the simulator's latency model: every Graph `$batch` and every EWS request
 * is answered after L ms, the login host answers at once. Each cycle is the real one (lib/cycle/run.ts: Test
 * Connection on shard 0, the mailbox checks, recording and the roll-up into Azurite), one shard of M mailboxes.
 */

const tenant = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
const clientId = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const secret = throwawaySecret("bench-graph");
const domain = "online.bench.test";
const syncRoles = ["Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite", "Tasks.ReadWrite.All", "MailboxConfigItem.ReadWrite"];

type Wire = "graph" | "ews";

/** When the app's requests to Graph, EWS and the login host (undici) started and ended, for the cycle's phases. */
const exchange = { starts: [] as number[], ends: [] as number[] };
diagnostics.subscribe("undici:request:create", () => exchange.starts.push(performance.now()));
diagnostics.subscribe("undici:request:trailers", () => exchange.ends.push(performance.now()));

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
  /** CPU of this process over the cycle: the app and the simulator together (Azurite runs in its own process). */
  cpuMs: number;
}

interface WireResult {
  wire: Wire;
  mailboxes: number;
  lowerBoundMs: number;
  warmUp: GraphCycle;
  cycles: GraphCycle[];
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
 * Graph: (1 + ⌈⌈M/4⌉/C⌉) × L — one round trip for Test Connection's batch (or, in a cold cycle, the token), then
 * ⌈M/4⌉ batches C at a time. EWS: ⌈M/C⌉ × L, as bench/probe.ts counts it (Test Connection's requests left out).
 */
export function graphLowerBoundMs(mailboxes: number, connections: number, latencyMs: number): number {
  return (1 + Math.ceil(Math.ceil(mailboxes / 4) / connections)) * latencyMs;
}
export const ewsLowerBoundMs = (mailboxes: number, connections: number, latencyMs: number): number => Math.ceil(mailboxes / connections) * latencyMs;

export async function benchGraph(options: BenchOptions, azurite: RunningAzurite): Promise<WireResult[]> {
  const sizes = options.quick ? [200] : [1000, 2000];
  const results: WireResult[] = [];
  for (const mailboxes of sizes) {
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
  try {
    sim.setServer("graph.microsoft.com", { latencyMs: L });
    clearTokenCache();
    const storage = createStorage({ kind: "connection-string", connectionString: azurite.connectionString }, { tablePrefix: `g${randomBytes(4).toString("hex")}` });
    const probeQueue = `bench-graph-${randomBytes(4).toString("hex")}`;
    const imported = await importProfile(storage, profile(wire, mailboxes, C));
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    const probe = {
      env: { BENCH_GRAPH_SECRET: secret },
      network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host: string, port: number) => sim.connectTo(host, port) },
    };
    let clock = Date.now();
    const cycle = async (index: number): Promise<GraphCycle> => {
      const now = new Date(clock);
      await runSchedule({ storage, now: () => now, probeQueue, shardSize: Math.max(options.shardSize, mailboxes) });
      const [message] = await drain(storage, probeQueue);
      if (message === undefined) throw new Error(`cycle ${index}: nothing was scheduled`);
      sim.counters.reset();
      exchange.starts.length = 0;
      exchange.ends.length = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const result = await runProbe({ storage, probe, now: () => now }, message);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const first = Math.min(...exchange.starts);
      const last = Math.max(...exchange.ends);
      const phases = { beforeMs: first - started, exchangeMs: last - first, afterMs: started + wallMs - last };
      clock += 6 * 60_000;
      if (result.kind !== "probed") throw new Error(`cycle ${index}: ${result.kind}`);
      const measured: GraphCycle = {
        wallMs,
        checked: result.checked,
        failed: result.failed,
        graphRequests: sim.counters.requestCount("graph.microsoft.com"),
        ewsRequests: sim.counters.requestCount("outlook.office365.com"),
        throttled: sim.counters.graph.throttled,
        peakConnections: result.peakConnections,
        phases,
        cpuMs: (cpu.user + cpu.system) / 1000,
      };
      console.error(`  ${wire} cycle ${index}${index === 0 ? " (warm-up: token, readiness)" : ""}: ${ms(wallMs)}, ${result.checked} checked, ${result.failed} failed, ${measured.graphRequests} Graph / ${measured.ewsRequests} EWS requests, ${measured.throttled} throttled, peak ${measured.peakConnections} connections; before / during / after Exchange ${ms(phases.beforeMs)} / ${ms(phases.exchangeMs)} / ${ms(phases.afterMs)}; CPU (app + simulator) ${ms(measured.cpuMs)}`);
      return measured;
    };
    const warmUp = await cycle(0);
    const cycles: GraphCycle[] = [];
    for (let i = 1; i <= options.cycles; i++) cycles.push(await cycle(i));
    return { wire, mailboxes, lowerBoundMs: wire === "graph" ? graphLowerBoundMs(mailboxes, C, L) : ewsLowerBoundMs(mailboxes, C, L), warmUp, cycles };
  } finally {
    await sim.stop();
  }
}

async function drain(storage: Storage, queueName: string): Promise<ProbeMessage[]> {
  const queue = await storage.queue(queueName);
  const messages: ProbeMessage[] = [];
  for (;;) {
    const batch = await queue.receiveMessages({ numberOfMessages: 32 });
    if (batch.receivedMessageItems.length === 0) return messages;
    for (const item of batch.receivedMessageItems) {
      const parsed = parseProbeMessage(decodeQueuePayload(item.messageText));
      if (!parsed.ok) throw new Error(parsed.problems.join("; "));
      messages.push(parsed.message);
      await queue.deleteMessage(item.messageId, item.popReceipt);
    }
  }
}

function printGraph(options: BenchOptions, results: WireResult[]): void {
  const C = options.connections;
  printTable(
    `Exchange Online probe cycle, Microsoft Graph beside EWS (latency ${options.latencyMs} ms per Graph batch and per EWS request, C=${C}, one shard, median of ${options.cycles} cycles after a warm-up cycle)`,
    ["1 × M", "wire", "wall (min–max)", "lower bound", "ratio ≤1.10", "before / during / after Exchange", "during ÷ bound", "CPU app + sim", "mailboxes/s", "Graph req/mailbox ≤0.3", "EWS req/mailbox", "throttled", "peak conns ≤C", "failed"],
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
        `${ms(r.lowerBoundMs)} ${r.wire === "graph" ? "(1 + ⌈⌈M/4⌉/C⌉) × L" : "⌈M/C⌉ × L"}`,
        `${fixed(ratio)} ${verdict(ratio <= 1.1)}`,
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
