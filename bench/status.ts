import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadSettings } from "../lib/config/settings.js";
import type { HourlyRow, ProfileSummary } from "../lib/model/summary.js";
import { functions } from "../app/functions.js";
import { registrationsOf } from "../app/registrations.js";
import { createAppContext, type AppContext } from "../lib/app-context.js";
import { createStorage } from "../lib/store/storage.js";
import { writeSummary } from "../lib/store/summaries.js";
import { startLocalHost } from "../local/host.js";
import type { RunningAzurite } from "../local/azurite.js";
import type { BenchOptions } from "./args.js";
import { fixed, printTable, verdict } from "./report.js";

const run = promisify(execFile);

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Phase {
  name: string;
  cache: string;
  result: LoadResult;
  tableRequests: number;
}

const cacheSeconds = 10;

/**
 * Benchmark 2: the status API under polling, through the local host (the same registrations the Functions host
 * uses), loaded by autocannon from another process; /api/health in the same run as the yardstick.
 */
export async function benchStatus(options: BenchOptions, azurite: RunningAzurite): Promise<Phase[]> {
  const baseEnv = { AzureWebJobsStorage: azurite.connectionString, TABLE_PREFIX: `s${randomBytes(4).toString("hex")}`, PROBE_QUEUE: `status-${randomBytes(4).toString("hex")}` };
  const settings = loadSettings(baseEnv);
  const storage = createStorage(settings.storage, { tablePrefix: settings.tablePrefix });
  // STATUS_CACHE_SECONDS goes both into the settings and the context's env; the functions use the context in force.
  let context: AppContext | undefined;
  const useCache = (seconds: number) => {
    const env = { ...baseEnv, STATUS_CACHE_SECONDS: String(seconds) };
    context = createAppContext(loadSettings(env), { storage, env });
  };
  useCache(cacheSeconds);

  console.error(`status: seeding ${options.statusProfiles} profile summaries with 24 hourly rows ...`);
  const ids = Array.from({ length: options.statusProfiles }, (_, i) => `status-p${String(i).padStart(4, "0")}`);
  for (let i = 0; i < ids.length; i += 25) await Promise.all(ids.slice(i, i + 25).map((id, j) => writeSummary(storage, seededSummary(id, i + j))));
  await storage.table("mailboxes");
  await storage.table("alerts");
  await storage.table("profiles");

  const host = await startLocalHost({ registrations: registrationsOf(functions, settings, () => context!), storage, port: 0, scheduleTimers: false, keys: { function: "k", admin: "a" }, log: () => {} });
  const phases: Phase[] = [];
  try {
    const load = async (name: string, cache: string, paths: string[]) => {
      console.error(`  ${name} (${cache}): ${options.httpConnections} connections for ${options.durationSec} s ...`);
      await new Promise((r) => setTimeout(r, 200));
      const before = storage.requests.table;
      const result = await loadFrom(host.url, paths, options);
      phases.push({ name, cache, result, tableRequests: storage.requests.table - before });
    };
    const detailPaths = ids.map((id) => `/api/status/${id}`);
    await load("GET /api/health", "-", ["/api/health"]);
    await load("GET /api/status", `${cacheSeconds} s`, ["/api/status"]);
    await load("GET /api/status/{id} (one id)", `${cacheSeconds} s`, [detailPaths[0]!]);
    await load(`GET /api/status/{id} (${ids.length} ids)`, `${cacheSeconds} s`, detailPaths);
    useCache(0);
    await load("GET /api/status", "off (0 s)", ["/api/status"]);
    await load("GET /api/status/{id} (one id)", "off (0 s)", [detailPaths[0]!]);
  } finally {
    await host.stop();
  }
  printStatus(options, phases);
  return phases;
}

async function loadFrom(url: string, paths: string[], options: BenchOptions): Promise<LoadResult> {
  const worker = fileURLToPath(new URL("./load-worker.js", import.meta.url));
  const spec = { url, connections: options.httpConnections, duration: options.durationSec, headers: { "x-functions-key": "k" }, paths };
  const { stdout } = await run(process.execPath, [worker, JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as LoadResult;
}

function printStatus(options: BenchOptions, phases: Phase[]): void {
  const health = phases.find((p) => p.name === "GET /api/health")!;
  const periods = Math.max(1, Math.ceil(options.durationSec / cacheSeconds));
  printTable(
    `Status under polling (${options.statusProfiles} profiles × 24 hourly rows, ${options.httpConnections} connections × ${options.durationSec} s each, through the local host)`,
    ["request", "cache", "req/s", "p50", "p99", "2xx / other / errors", "vs health", "table req/call", "table req per cache period"],
    phases.map((p) => {
      const r = p.result;
      const share = r.rps / health.result.rps;
      const isList = p.name === "GET /api/status";
      const perPeriod = p.cache.startsWith(String(cacheSeconds)) ? p.tableRequests / periods : NaN;
      return [
        p.name,
        p.cache,
        Math.round(r.rps),
        `${r.p50} ms`,
        `${r.p99} ms`,
        `${r.ok} / ${r.non2xx} / ${r.errors + r.timeouts}`,
        p === health ? "—" : `${fixed(share * 100, 0)}%${isList && p.cache !== "off (0 s)" ? ` ${verdict(share >= 0.5)}` : ""}`,
        `${fixed(p.tableRequests / Math.max(1, r.total), 4)} (${p.tableRequests} in all)`,
        Number.isNaN(perPeriod) ? "—" : `${fixed(perPeriod, 1)}${isList ? ` ${verdict(perPeriod <= 2)}` : ""}`,
      ];
    }),
  );
}

function seededSummary(profileId: string, n: number): ProfileSummary {
  const now = Date.now();
  const hourly: HourlyRow[] = Array.from({ length: 24 }, (_, h) => {
    const at = new Date(now - (23 - h) * 3_600_000);
    const processed = 100 + ((n + h) % 50);
    const failed = (n * 7 + h * 3) % 20;
    const hour = `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, "0")}${String(at.getUTCDate()).padStart(2, "0")}${String(at.getUTCHours()).padStart(2, "0")}`;
    return { hour, processed, failed, succeeded: processed - failed, failurePercent: Math.round((failed / processed) * 10_000) / 100 };
  });
  const last = hourly.at(-1)!;
  const domain = `${profileId}.example.com`;
  return {
    profileId,
    name: `Profile ${n}`,
    owner: `admin@${domain}`,
    serverType: "exchange-server",
    health: last.failurePercent > 10 ? "degraded" : "ok",
    lastHour: { processed: last.processed, failed: last.failed, succeeded: last.succeeded, failurePercent: last.failurePercent, from: new Date(now - 3_600_000).toISOString(), to: new Date(now).toISOString() },
    hourly,
    lastTestConnection: {
      at: new Date(now - 60_000).toISOString(),
      ok: true,
      elapsedMs: 240,
      steps: [
        { step: "autodiscover", ok: true, elapsedMs: 120, url: `https://autodiscover.${domain}/autodiscover/autodiscover.xml` },
        { step: "ews", ok: true, elapsedMs: 60, url: `https://mail.${domain}/EWS/Exchange.asmx` },
        { step: "mailbox", ok: true, elapsedMs: 60 },
      ],
    },
    certificates: [{ host: `mail.${domain}`, trusted: true, namesMatch: true, daysLeft: 200 }],
    server: { build: "15.1.2507.6", product: "Exchange Server 2016" },
    mailboxStates: { "pending-approval": 0, enabled: last.processed - 3, retrying: 2, disabled: 1 },
    emailsSent: 0,
    updatedAt: new Date(now).toISOString(),
  };
}
