import { parseArgs } from "node:util";

/** Command-line flags of `npm run bench -- [probe|status|startup]... [flags]`, with BENCH_* environment fallbacks. */
export interface BenchOptions {
  names: string[];
  quick: boolean;
  /** EWS latency per request, ms. */
  latencyMs: number;
  /** Maximum Concurrent Connections of every profile. */
  connections: number;
  /** Profile sizes: P profiles × M mailboxes. */
  sizes: { profiles: number; mailboxes: number }[];
  /** Graph: the mailboxes of its one profile, each size run through Graph and through EWS. */
  graphSizes: number[];
  /** Measured cycles after the warm-up cycle. */
  cycles: number;
  shardSize: number;
  /** Fraction of the mailboxes whose EWS answer comes only after the EWS timeout (0: none). */
  stragglers: number;
  /** The app's EWS response timeout (headers), ms; 0 keeps the app's default. */
  ewsTimeoutMs: number;
  /** Also run ../shared/peer-bench/run.sh for the first size and print its figures beside ours. */
  peer: boolean;
  /** Status: profiles seeded, seconds per load run, load-generator connections. */
  statusProfiles: number;
  durationSec: number;
  httpConnections: number;
  /** Start-up: fresh processes per variant. */
  runs: number;
}

const usage = `usage: npm run bench -- [probe] [status] [startup] [dataverse] [graph] [--quick]
  --latency MS        EWS latency per request (default 50)         BENCH_LATENCY_MS
  --connections C     Maximum Concurrent Connections (default 10)  BENCH_CONNECTIONS
  --sizes PxM,...     profile sizes (default 1x1000,20x500,1x10000) BENCH_SIZES
  --graph-sizes M,... graph: mailboxes of its one profile (default 1000,2000) BENCH_GRAPH_SIZES
  --cycles N          measured cycles after the warm-up (default 5) BENCH_CYCLES
  --shard-size N      SHARD_SIZE for the schedule (default 500)
  --stragglers F      probe: this fraction of the mailboxes answers only after the EWS timeout (default 0) BENCH_STRAGGLERS
  --ews-timeout MS    probe: the app's EWS response timeout (default: the app's, 30000; 1000 with --stragglers) BENCH_EWS_TIMEOUT_MS
  --peer              probe: also run ../shared/peer-bench/run.sh (ews-javascript-api) for the first size  BENCH_PEER=1
  --profiles N        status: profiles seeded (default 1000)
  --duration S        status: seconds per load run (default 10)
  --http-connections N status: load-generator connections (default 50)
  --runs N            start-up: processes per variant (default 9)
  --quick             small sizes, short runs (a smoke run in about a minute)`;

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined> = process.env): BenchOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: "boolean", default: false },
      latency: { type: "string" },
      connections: { type: "string" },
      sizes: { type: "string" },
      "graph-sizes": { type: "string" },
      cycles: { type: "string" },
      "shard-size": { type: "string" },
      stragglers: { type: "string" },
      "ews-timeout": { type: "string" },
      peer: { type: "boolean", default: false },
      profiles: { type: "string" },
      duration: { type: "string" },
      "http-connections": { type: "string" },
      runs: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const known = ["probe", "status", "startup", "dataverse", "graph"];
  const unknown = positionals.filter((p) => !known.includes(p));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}\n${usage}`);
  const quick = values.quick || env.BENCH_QUICK === "1";
  const num = (flag: string | undefined, envName: string, full: number, short: number): number => {
    const raw = flag ?? env[envName];
    if (raw === undefined || raw === "") return quick ? short : full;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${envName} / flag: "${raw}" is not a number`);
    return n;
  };
  const sizesRaw = values.sizes ?? env.BENCH_SIZES ?? (quick ? "1x200,4x100" : "1x1000,20x500,1x10000");
  const sizes = sizesRaw.split(",").map((s) => {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(s);
    if (!m) throw new Error(`--sizes: "${s}" is not PxM`);
    return { profiles: Number(m[1]), mailboxes: Number(m[2]) };
  });
  const stragglers = num(values.stragglers, "BENCH_STRAGGLERS", 0, 0);
  if (stragglers > 0.5) throw new Error(`--stragglers: ${stragglers} is not a fraction of at most 0.5`);
  return {
    names: positionals.length > 0 ? positionals : known,
    quick,
    latencyMs: num(values.latency, "BENCH_LATENCY_MS", 50, 20),
    connections: num(values.connections, "BENCH_CONNECTIONS", 10, 10),
    sizes,
    graphSizes: (values["graph-sizes"] ?? env.BENCH_GRAPH_SIZES ?? (quick ? "200" : "1000,2000")).split(",").map((m) => {
      const n = Number(m);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--graph-sizes: "${m}" is not a number of mailboxes`);
      return n;
    }),
    cycles: num(values.cycles, "BENCH_CYCLES", 5, 2),
    shardSize: num(values["shard-size"], "BENCH_SHARD_SIZE", 500, 500),
    stragglers,
    ewsTimeoutMs: num(values["ews-timeout"], "BENCH_EWS_TIMEOUT_MS", stragglers > 0 ? 1000 : 0, stragglers > 0 ? 1000 : 0),
    peer: values.peer || env.BENCH_PEER === "1",
    statusProfiles: num(values.profiles, "BENCH_STATUS_PROFILES", 1000, 100),
    durationSec: num(values.duration, "BENCH_DURATION", 10, 3),
    httpConnections: num(values["http-connections"], "BENCH_HTTP_CONNECTIONS", 50, 50),
    runs: num(values.runs, "BENCH_RUNS", 9, 3),
  };
}
