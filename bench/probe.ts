import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { importProfile } from "../lib/profiles/import.js";
import { createStorage } from "../lib/store/storage.js";
import type { RunningAzurite } from "../local/azurite.js";
import { startSimulatedOrg, type SimulatedOrg } from "../sim/index.js";
import type { BenchOptions } from "./args.js";
import { describeFloor, type FloorResult } from "./floor.js";
import { autodiscoverHostOf, benchOrganisation, benchPassword, benchProfile, benchSecrets, domainOf, ewsHostOf, stragglerCount } from "./probe-org.js";
import { runPeer, type PeerRun } from "./peer.js";
import { rpc, stopWorker, type CycleReport } from "./probe-protocol.js";
import { fixed, mb, median, ms, printTable, verdict } from "./report.js";

/** One measured cycle with what the simulator saw during it. */
interface MeasuredCycle extends CycleReport {
  /** CPU of the bench process over the cycle: the simulator (Azurite runs in a process of its own). */
  simCpuMs: number;
  peakConnections: number;
  ewsHandshakesMax: number;
  autodiscoverHandshakesMax: number;
  ewsRequests: number;
  /** The machine's 1-minute load average when the cycle ended (os.loadavg; other work may share the machine). */
  load: number;
}

export interface ProbeSizeResult {
  size: string;
  mailboxes: number;
  lowerBoundMs: number;
  /** Per profile: mailboxes that answer only after the EWS timeout, and that timeout (ms). */
  stragglers: number;
  ewsTimeoutMs: number;
  /** Bounds with stragglers (see BENCHMARKS.md): the other mailboxes' work alone, and every connection's time. */
  remainingBoundMs: number;
  stragglerBoundMs: number;
  warmUp: MeasuredCycle;
  cycles: MeasuredCycle[];
  /** One profile with latency: a bare client's pass over the same M requests (bench/floor.ts). */
  floor?: FloorResult;
}

/**
 * Benchmark 1: the probe cycle against its physical bound. Azurite and the simulator run outside the app's
 * process (Azurite as a child process, the simulator in this one); the app runs in a worker process.
 */
export async function benchProbe(options: BenchOptions, azurite: RunningAzurite): Promise<ProbeSizeResult[]> {
  const results: ProbeSizeResult[] = [];
  for (const size of options.sizes) {
    console.error(`probe: ${size.profiles} × ${size.mailboxes} mailboxes, C=${options.connections}, EWS latency ${options.latencyMs} ms, app flags ${workerFlags().join(" ")} ...`);
    results.push(await benchSize(options, azurite, size));
  }
  printProbe(options, results);
  if (options.peer || options.latencyMs === 0) printCpu(options, results, options.peer ? runPeer(options.sizes[0]!.mailboxes, options.connections, options.latencyMs) : undefined);
  return results;
}

async function benchSize(options: BenchOptions, azurite: RunningAzurite, size: { profiles: number; mailboxes: number }): Promise<ProbeSizeResult> {
  // A straggler answers 2 s after the app has given up on it (the app's EWS timeout), so it always times out.
  const stallMs = options.ewsTimeoutMs + 2000;
  const stragglers = options.stragglers > 0 ? { fraction: options.stragglers, stallMs } : undefined;
  const sim = await startSimulatedOrg(benchOrganisation(size.profiles, size.mailboxes, options.latencyMs, stragglers));
  const tablePrefix = `b${randomBytes(4).toString("hex")}`;
  const probeQueue = `bench-${randomBytes(4).toString("hex")}`;
  const worker = fork(fileURLToPath(new URL("./probe-worker.js", import.meta.url)), [], { execArgv: ["--expose-gc", ...workerFlags()], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    // Profiles are imported here, not in the worker, so the worker's peak RSS is the cycles' alone.
    const storage = createStorage({ kind: "connection-string", connectionString: azurite.connectionString }, { tablePrefix });
    const imports = Array.from({ length: size.profiles }, (_, p) => p);
    for (let i = 0; i < imports.length; i += 5) {
      await Promise.all(
        imports.slice(i, i + 5).map(async (p) => {
          const imported = await importProfile(storage, benchProfile(p, size.mailboxes, options.connections));
          if (!imported.ok) throw new Error(`import ${p}: ${JSON.stringify(imported.problems)}`);
        }),
      );
    }
    const call = rpc(worker);
    await call({
      type: "init",
      connectionString: azurite.connectionString,
      tablePrefix,
      probeQueue,
      shardSize: options.shardSize,
      sim: { dnsServers: sim.dnsServers, caPem: sim.endpoints.caPem, httpsPort: sim.endpoints.httpsPort, httpPort: sim.endpoints.httpPort },
      secrets: benchSecrets,
      advanceMinutes: 6,
      ...(options.ewsTimeoutMs > 0 ? { timeouts: { headersMs: options.ewsTimeoutMs } } : {}),
    });
    const measure = async (index: number): Promise<MeasuredCycle> => {
      sim.counters.reset();
      const simCpuBefore = process.cpuUsage();
      const report = (await call({ type: "cycle", index })) as CycleReport;
      const simCpu = process.cpuUsage(simCpuBefore);
      if (report.errors.length > 0) console.error(`  cycle ${index}: ${report.errors.length} errors, first: ${report.errors[0]}`);
      const measured = { ...withSimFigures(report, sim, size.profiles, (simCpu.user + simCpu.system) / 1000), load: loadavg()[0]! };
      console.error(
        `  cycle ${index}${index === 0 ? " (warm-up, Autodiscover)" : ""}: ${ms(report.wallMs)}, ${report.checked} checked, ${report.failed} failed, ` +
          `load ${fixed(measured.load, 1)}, ${report.tableRequests} table requests, CPU ${fixed(report.cpuMs / Math.max(1, report.checked), 3)} ms/check (system ${fixed(report.cpuSystemMs / Math.max(1, report.checked), 3)}), peak ${measured.peakConnections} connections, rss ${mb(report.rss)} (peak ${mb(report.sampledPeakRss)}: heap ${mb(report.sampledPeakHeapTotal)}, external ${mb(report.sampledPeakExternal)}); ` +
          `before/during/after Exchange ${ms(report.phases.beforeExchangeMs)} / ${ms(report.phases.exchangeMs)} / ${ms(report.phases.afterExchangeMs)} ` +
          `(storage requests ${report.phases.storageBefore} / ${report.phases.storageDuring} / ${report.phases.storageAfter}); ` +
          `on the wire ${report.phases.wireMs.toFixed(2)} ms per request, ` +
          `between requests ${report.phases.gapMs.mean.toFixed(2)} ms (p50 ${report.phases.gapMs.p50.toFixed(2)}, p90 ${report.phases.gapMs.p90.toFixed(2)}, p99 ${report.phases.gapMs.p99.toFixed(2)})`,
      );
      if (report.storageTrace !== undefined) console.error(`    storage requests: ${Object.entries(report.storageTrace).map(([k, n]) => `${k} ${n}`).join(", ")}`);
      return measured;
    };
    const floor = size.profiles === 1 && options.latencyMs > 0 && options.stragglers === 0 ? await measureFloorOf(call, sim, size.mailboxes, options.connections) : undefined;
    if (floor !== undefined) console.error(describeFloor("floor", floor));
    const warmUp = await measure(0);
    const cycles: MeasuredCycle[] = [];
    for (let i = 1; i <= options.cycles; i++) cycles.push(await measure(i));
    await stopWorker(worker);
    const C = options.connections;
    const L = options.latencyMs;
    const S = stragglerCount(size.mailboxes, options.stragglers);
    const T = options.ewsTimeoutMs;
    return {
      size: `${size.profiles} × ${size.mailboxes.toLocaleString("en")}`,
      mailboxes: size.profiles * size.mailboxes,
      lowerBoundMs: Math.ceil(size.mailboxes / C) * L,
      stragglers: S,
      ewsTimeoutMs: T,
      remainingBoundMs: Math.ceil((size.mailboxes - S) / C) * L,
      stragglerBoundMs: S === 0 ? Math.ceil(size.mailboxes / C) * L : Math.max(T, Math.ceil(((size.mailboxes - S) * L + S * T) / C)),
      warmUp,
      cycles,
      ...(floor === undefined ? {} : { floor }),
    };
  } finally {
    if (worker.exitCode === null) worker.kill();
    await sim.stop();
  }
}

async function measureFloorOf(call: ReturnType<typeof rpc>, sim: SimulatedOrg, mailboxes: number, connections: number): Promise<FloorResult> {
  const authorization = `Basic ${Buffer.from(`svc@${domainOf(0)}:${benchPassword}`).toString("base64")}`;
  const target = { httpsPort: sim.endpoints.httpsPort, caPem: sim.endpoints.caPem, connections };
  const work = { kind: "ews-getfolder" as const, host: ewsHostOf(0), domain: domainOf(0), authorization, mailboxes };
  return (await call({ type: "floor", target, work })) as FloorResult;
}

/**
 * The app's node flags. `--max-old-space-size=512` is the deployment's (app setting
 * `languageWorkers__node__arguments`, see BENCHMARKS.md): below 1 GB V8 grows the heap by a smaller factor after
 * each full collection (about 1.6 instead of 4), so garbage does not pile up to four times the live data.
 * BENCH_WORKER_FLAGS="--cpu-prof --cpu-prof-dir=prof" adds flags (one naming max-old-space-size replaces it).
 */
export function workerFlags(): string[] {
  const extra = (process.env.BENCH_WORKER_FLAGS ?? "").split(/\s+/).filter((f) => f !== "");
  return extra.some((f) => f.startsWith("--max-old-space-size")) ? extra : [appHeapFlag, ...extra];
}

export const appHeapFlag = "--max-old-space-size=512";

function withSimFigures(report: CycleReport, sim: SimulatedOrg, profiles: number, simCpuMs: number): Omit<MeasuredCycle, "load"> {
  let peakConnections = 0;
  let ewsHandshakesMax = 0;
  let autodiscoverHandshakesMax = 0;
  let ewsRequests = 0;
  for (let p = 0; p < profiles; p++) {
    peakConnections = Math.max(peakConnections, sim.counters.connections({ group: domainOf(p) }).peak);
    ewsHandshakesMax = Math.max(ewsHandshakesMax, sim.counters.tlsHandshakes(ewsHostOf(p)));
    autodiscoverHandshakesMax = Math.max(autodiscoverHandshakesMax, sim.counters.tlsHandshakes(autodiscoverHostOf(p)));
    ewsRequests += sim.counters.requestCount(ewsHostOf(p));
  }
  return { ...report, simCpuMs, peakConnections, ewsHandshakesMax, autodiscoverHandshakesMax, ewsRequests };
}

function printProbe(options: BenchOptions, results: ProbeSizeResult[]): void {
  const C = options.connections;
  const rows = results.map((r) => {
    const walls = r.cycles.map((c) => c.wallMs);
    const wall = median(walls);
    const ratio = wall / r.lowerBoundMs;
    const checked = median(r.cycles.map((c) => c.checked));
    const peak = Math.max(...r.cycles.map((c) => c.peakConnections));
    const ewsHs = Math.max(...r.cycles.map((c) => c.ewsHandshakesMax));
    const adHs = Math.max(...r.cycles.map((c) => c.autodiscoverHandshakesMax));
    const perCheckOf = (c: MeasuredCycle) => c.tableRequests / Math.max(1, c.checked);
    const perCheck = r.cycles.reduce((n, c) => n + c.tableRequests, 0) / Math.max(1, r.cycles.reduce((n, c) => n + c.checked, 0));
    const perCheckMax = Math.max(...r.cycles.map(perCheckOf));
    const maxRss = Math.max(...r.cycles.map((c) => c.maxRss));
    const ewsPerMailbox = median(r.cycles.map((c) => c.ewsRequests / Math.max(1, c.checked)));
    const cpuPerCheck = median(r.cycles.map((c) => c.cpuMs / Math.max(1, c.checked)));
    return [
      r.size,
      `${ms(wall)} (${ms(Math.min(...walls))}–${ms(Math.max(...walls))})`,
      ms(r.lowerBoundMs),
      r.lowerBoundMs > 0 ? `${fixed(ratio)} ${verdict(ratio <= 1.1)}` : "—",
      r.floor === undefined ? "—" : `${ms(r.floor.wallMs)} (${fixed(r.floor.wallMs / r.lowerBoundMs)})`,
      r.floor === undefined ? "—" : fixed(wall / r.floor.wallMs),
      Math.round((checked / wall) * 1000),
      `${peak} ${verdict(peak <= C)}`,
      `${ewsHs} / ${adHs} ${verdict(ewsHs <= C && adHs <= C)}`,
      fixed(ewsPerMailbox),
      `${fixed(perCheck, 3)} ${verdict(perCheck <= 0.05)} (max ${fixed(perCheckMax, 3)})`,
      fixed(cpuPerCheck, 3),
      `${mb(maxRss)}${r.mailboxes >= 10_000 ? ` ${verdict(maxRss <= 256 * 1024 * 1024)}` : ""}`,
      loadRange(r.cycles),
    ];
  });
  printTable(
    `Probe cycle, steady state (EWS latency ${options.latencyMs} ms, C=${C}, median of ${options.cycles} cycles after a warm-up cycle; app flags ${workerFlags().join(" ")})`,
    [
      "P × M",
      "wall (min–max)",
      "lower bound",
      "ratio ≤1.10",
      "floor: bare client (÷ bound)",
      "wall ÷ floor",
      "mailboxes/s",
      "peak conns/profile ≤C",
      "TLS hs/origin EWS / AD ≤C",
      "EWS req/mailbox",
      "table req/check ≤0.05 (max cycle)",
      "app CPU ms/check",
      "peak RSS",
      "load avg (1 min)",
    ],
    rows,
  );

  if (results.some((r) => r.stragglers > 0)) {
    printTable(
      `Stragglers: ${fixed(options.stragglers * 100, 1)}% of the mailboxes answer only after the EWS timeout (${options.ewsTimeoutMs} ms), EWS latency ${options.latencyMs} ms, C=${C}`,
      ["P × M", "stragglers/profile", "wall (min–max)", "without stragglers", "ratio to it", "bound of the remaining work", "ratio to it ≤1.25", "failed (timeouts)", "TLS hs EWS", "load avg (1 min)"],
      results.map((r) => {
        const walls = r.cycles.map((c) => c.wallMs);
        const wall = median(walls);
        const ratio = wall / r.stragglerBoundMs;
        return [
          r.size,
          r.stragglers,
          `${ms(wall)} (${ms(Math.min(...walls))}–${ms(Math.max(...walls))})`,
          ms(r.remainingBoundMs),
          r.remainingBoundMs > 0 ? fixed(wall / r.remainingBoundMs) : "—",
          ms(r.stragglerBoundMs),
          `${fixed(ratio)} ${verdict(ratio <= 1.25)}`,
          median(r.cycles.map((c) => c.failed)),
          Math.max(...r.cycles.map((c) => c.ewsHandshakesMax)),
          loadRange(r.cycles),
        ];
      }),
    );
  }

  printTable(
    "Warm-up cycle (first cycle: Autodiscover for every mailbox, then EWS; not held to the bound)",
    ["P × M", "wall", "checked", "failed", "peak conns", "TLS hs EWS / AD", "table req/check"],
    results.map((r) => [
      r.size,
      ms(r.warmUp.wallMs),
      r.warmUp.checked,
      r.warmUp.failed,
      r.warmUp.peakConnections,
      `${r.warmUp.ewsHandshakesMax} / ${r.warmUp.autodiscoverHandshakesMax}`,
      fixed(r.warmUp.tableRequests / Math.max(1, r.warmUp.checked), 3),
    ]),
  );

  printTable(
    "Memory after each measured cycle (worker process, after global.gc)",
    ["P × M", ...results[0]!.cycles.map((c) => `cycle ${c.index} rss / heap`), "heap growth first→last"],
    results.map((r) => {
      const first = r.cycles[0]!.heapUsed;
      const last = r.cycles.at(-1)!.heapUsed;
      return [r.size, ...r.cycles.map((c) => `${mb(c.rss)} / ${mb(c.heapUsed)}`), `${mb(last - first)} (${fixed(((last - first) / first) * 100, 0)}%)`];
    }),
  );
}

function loadRange(cycles: readonly MeasuredCycle[]): string {
  const loads = cycles.map((c) => c.load);
  return `${fixed(Math.min(...loads), 1)}–${fixed(Math.max(...loads), 1)}`;
}

/** CPU per mailbox check: the app's process, the app with the simulator, and the peer (ews-javascript-api) when run. */
function printCpu(options: BenchOptions, results: ProbeSizeResult[], peer: PeerRun | undefined): void {
  const rows: (string | number)[][] = results.map((r) => {
    const per = (f: (c: MeasuredCycle) => number) => fixed(median(r.cycles.map((c) => f(c) / Math.max(1, c.checked))), 3);
    return [
      `this app ${r.size}`,
      per((c) => c.cpuMs),
      per((c) => c.cpuMs - c.cpuSystemMs),
      per((c) => c.cpuSystemMs),
      per((c) => c.cpuMs + c.simCpuMs),
      fixed(median(r.cycles.map((c) => c.ewsRequests / Math.max(1, c.checked)))),
      loadRange(r.cycles),
    ];
  });
  if (peer === undefined) rows.push(["ews-javascript-api (peer)", "peer not run (--peer)", "", "", "", "", ""]);
  else if (peer.kind === "not-run") rows.push(["ews-javascript-api (peer)", `peer not run: ${peer.reason}`, "", "", "", "", ""]);
  else {
    const perCheck = (peer.cpuMs - peer.startupCpuMs) / Math.max(1, peer.mailboxes - 10);
    rows.push([
      `ews-javascript-api (peer) ${peer.mailboxes.toLocaleString("en")} mailboxes`,
      "—",
      "—",
      "—",
      `${fixed(perCheck, 3)} (client + its fake EWS, start-up taken off; ${fixed(peer.cpuMs / Math.max(1, peer.mailboxes), 3)} with it)`,
      fixed(peer.requests / Math.max(1, peer.mailboxes)),
      fixed(loadavg()[0]!, 1),
    ]);
  }
  printTable(
    `CPU per mailbox check (EWS latency ${options.latencyMs} ms, C=${options.connections}; median of the measured cycles)`,
    ["who", "app CPU ms/check", "user", "system", "app + server CPU ms/check", "requests/check", "load avg (1 min)"],
    rows,
  );
  if (peer?.kind === "ran") {
    console.log(`\npeer: ${peer.line}`);
    const peerRate = (JSON.parse(peer.line) as { mailboxesPerS?: number }).mailboxesPerS;
    const first = results[0]!;
    const ours = median(first.cycles.map((c) => (c.checked / c.wallMs) * 1000));
    if (peerRate !== undefined && peerRate > 0 && options.latencyMs > 0) {
      console.log(
        `\nmailboxes/s at ${options.latencyMs} ms, C=${options.connections}: this app ${Math.round(ours)} (${first.size}, steady state) vs the peer ${peerRate} ` +
          `(${peer.mailboxes.toLocaleString("en")} mailboxes): ${fixed(ours / peerRate, 1)}× ${verdict(ours / peerRate >= 5)} (goal ≥ 5×)`,
      );
    }
  }
}
