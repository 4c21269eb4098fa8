import type { DequeuedMessageItem } from "@azure/storage-queue";
import diagnostics from "node:diagnostics_channel";
import { mkdirSync, writeFileSync } from "node:fs";
import inspector from "node:inspector";
import path from "node:path";
import { TokenCache } from "../lib/auth/index.js";
import { loadSettings } from "../lib/config/settings.js";
import { handleProbeMessage } from "../lib/cycle/run.js";
import type { ProbeRunResult } from "../lib/cycle/run.js";
import { runSchedule } from "../lib/cycle/schedule.js";
import { createAppContext, type AppContext } from "../lib/app-context.js";
import { decodeQueuePayload } from "../lib/cycle/message.js";
import { createStorage } from "../lib/store/storage.js";
import type { CycleReport, FromWorker, ToWorker, WorkerInit } from "./probe-protocol.js";
import { measureFloor } from "./floor.js";

/**
 * The app side of the probe benchmark, in its own process so that its RSS and event loop are the app's alone
 * (the simulator and Azurite run elsewhere). A cycle is what the Functions host does: the schedule timer, then
 * every probe message of the queue handled at once (the platform spreads them over instances; here they share one).
 */

let runtime: AppContext | undefined;
let init: WorkerInit | undefined;
let clockOffsetMs = 0;

/**
 * A timeline of the cycle from Node's diagnostics channels: every request to Exchange (undici) and to Azurite
 * (node:http), so the report can split the wall time into before, during and after the mailbox checks.
 */
const timeline = { exchange: [] as number[], exchangeEnd: [] as number[], storage: [] as number[] };
diagnostics.subscribe("undici:request:create", () => timeline.exchange.push(performance.now()));
diagnostics.subscribe("undici:request:trailers", () => timeline.exchangeEnd.push(performance.now()));

/**
 * Each Exchange request's time on the wire: from its headers leaving the app to its answer's last byte. What a
 * connection spends beyond that between two requests is the app's own (handling the answer, sending the next).
 */
const wire = { sentAt: new WeakMap<object, number>(), socketOf: new WeakMap<object, object>(), endedAt: new WeakMap<object, number>(), totalMs: 0, requests: 0, gaps: [] as number[] };
diagnostics.subscribe("undici:client:sendHeaders", (message) => {
  const { request, socket } = message as { request: object; socket: object };
  const now = performance.now();
  wire.sentAt.set(request, now);
  wire.socketOf.set(request, socket);
  const ended = wire.endedAt.get(socket);
  if (ended !== undefined) wire.gaps.push(now - ended);
});
diagnostics.subscribe("undici:request:trailers", (message) => {
  const { request } = message as { request: object };
  const sent = wire.sentAt.get(request);
  if (sent === undefined) return;
  const now = performance.now();
  wire.totalMs += now - sent;
  wire.requests += 1;
  const socket = wire.socketOf.get(request);
  if (socket !== undefined) wire.endedAt.set(socket, now);
});
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
diagnostics.subscribe("http.client.request.start", (message) => {
  timeline.storage.push(performance.now());
  if (tableTrace !== undefined) traceTableRequest(message as { request: { method: string; path: string; host?: string } });
  if (storageTimeline !== undefined) storageTimeline.started.set((message as { request: object }).request, performance.now());
});
diagnostics.subscribe("http.client.response.finish", (message) => {
  if (storageTimeline === undefined) return;
  const { request } = message as { request: { method: string; path: string } };
  const started = storageTimeline.started.get(request);
  if (started !== undefined) storageTimeline.spans.push({ what: describeStorageRequest(request), startMs: started, endMs: performance.now() });
});

/**
 * BENCH_TIMELINE=1: each measured cycle's storage requests printed in order with their start and end (ms from the
 * cycle's start), beside the first and last Exchange request: which of them stand before or after the checks.
 */
const storageTimeline = process.env.BENCH_TIMELINE ? { started: new WeakMap<object, number>(), spans: [] as { what: string; startMs: number; endMs: number }[] } : undefined;

/** A storage request's path after the account, decoded, without the table prefix: "mailboxes()", "probe/messages". */
function storagePathOf(request: { path: string }): { resource: string; query: string } {
  const [pathPart, query = ""] = request.path.split("?");
  return { resource: decodeURIComponent(pathPart!.split("/").slice(2).join("/")).replace(init?.tablePrefix ?? "", ""), query };
}

function describeStorageRequest(request: { method: string; path: string }): string {
  const { resource, query } = storagePathOf(request);
  return `${request.method} ${resource}${query.includes("comp=") ? ` ?${query.match(/comp=\w+/)![0]}` : ""}`;
}

function printTimeline(index: number, started: number, firstExchange: number, lastExchange: number): void {
  if (storageTimeline === undefined) return;
  const at = (t: number) => (t - started).toFixed(1).padStart(7);
  const lines = storageTimeline.spans.map((s) => ({ t: s.startMs, line: `${at(s.startMs)} → ${at(s.endMs)}  ${s.what.slice(0, 90)}` }));
  lines.push({ t: firstExchange, line: `${at(firstExchange)}    first Exchange request` }, { t: lastExchange, line: `${at(lastExchange)}    last Exchange answer` });
  console.error(`  timeline of cycle ${index}:\n${lines.sort((a, b) => a.t - b.t).map((l) => `    ${l.line}`).join("\n")}`);
  storageTimeline.spans = [];
}

/**
 * BENCH_TABLE_TRACE=1: each cycle's storage requests counted by method and table ("POST $batch", "GET mailboxes"),
 * to see which of them a cycle could do without.
 */
const tableTrace: Map<string, number> | undefined = process.env.BENCH_TABLE_TRACE ? new Map() : undefined;

function traceTableRequest({ request }: { request: { method: string; path: string } }): void {
  const segment = storagePathOf(request).resource.split("/")[0]!;
  const table = segment.replace(/\(.*$/, "");
  const key = `${request.method} ${table}${segment.includes("(") && !segment.endsWith("()") ? " (one row)" : ""}`;
  tableTrace!.set(key, (tableTrace!.get(key) ?? 0) + 1);
}

const send = (message: FromWorker) => process.send!(message);

function gapsOf(gaps: number[]): { mean: number; p50: number; p90: number; p99: number } {
  const sorted = [...gaps].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99) };
}

/** BENCH_CPU_PROFILE=DIR: a .cpuprofile of the measured cycles only (not start-up, not the warm-up), written to DIR. */
const profiler = cycleProfiler(process.env.BENCH_CPU_PROFILE);

function cycleProfiler(dir: string | undefined): { start(): Promise<void>; stop(): Promise<void> } {
  if (dir === undefined || dir === "") return { start: async () => undefined, stop: async () => undefined };
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  let running = false;
  return {
    start: async () => {
      await post("Profiler.enable");
      await post("Profiler.setSamplingInterval", { interval: 1000 });
      await post("Profiler.start");
      running = true;
    },
    stop: async () => {
      if (!running) return;
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `probe-cycles-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.error(`  CPU profile of the measured cycles: ${file}`);
    },
  };
}

process.on("message", (message: ToWorker) => {
  void handle(message).catch((error: unknown) => send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "init": {
      init = message;
      const env = { AzureWebJobsStorage: message.connectionString, TABLE_PREFIX: message.tablePrefix, PROBE_QUEUE: message.probeQueue };
      const settings = loadSettings(env);
      const { sim } = message;
      runtime = createAppContext(settings, {
        env: { ...env, ...message.secrets },
        storage: createStorage(settings.storage, { tablePrefix: settings.tablePrefix }),
        now: () => new Date(Date.now() + clockOffsetMs),
        probe: {
          ...(message.timeouts ? { timeouts: message.timeouts } : {}),
          env: message.secrets,
          tokens: new TokenCache(),
          network: {
            dnsServers: [sim.dnsServers],
            extraCaPem: sim.caPem,
            connectTo: (_host, port) => ({ port: port === 80 ? sim.httpPort : port === 443 ? sim.httpsPort : port }),
          },
        },
      });
      send({ type: "ready" });
      return;
    }
    case "cycle":
      // The warm-up cycle (index 0) is left out of the profile: the profile shows the steady state.
      if (message.index === 1) await profiler.start();
      send(await cycle(message.index));
      return;
    case "floor":
      send({ type: "floor-done", ...(await measureFloor(message.target, message.work)) });
      return;
    case "exit":
      await profiler.stop();
      process.exit(0);
  }
}

async function cycle(index: number): Promise<CycleReport> {
  const rt = runtime!;
  const cfg = init!;
  clockOffsetMs += cfg.advanceMinutes * 60_000;
  let sampledPeakRss = process.memoryUsage.rss();
  let sampledPeakHeapTotal = 0;
  let sampledPeakExternal = 0;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    sampledPeakRss = Math.max(sampledPeakRss, now.rss);
    sampledPeakHeapTotal = Math.max(sampledPeakHeapTotal, now.heapTotal);
    sampledPeakExternal = Math.max(sampledPeakExternal, now.external);
  }, 100);
  const requestsBefore = rt.storage.requests.table;
  const errors: string[] = [];
  for (const list of Object.values(timeline)) list.length = 0;
  wire.totalMs = 0;
  wire.requests = 0;
  wire.gaps = [];
  tableTrace?.clear();
  if (storageTimeline !== undefined) storageTimeline.spans = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();

  const outcomes = await runSchedule({ storage: rt.storage, now: rt.now, probeQueue: rt.settings.probeQueue, shardSize: cfg.shardSize });
  const scheduleMs = performance.now() - started;
  for (const o of outcomes) if (o.kind === "error") errors.push(`schedule ${o.profileId}: ${o.error}`);
  const expected = outcomes.reduce((n, o) => n + (o.kind === "enqueued" ? o.messages : 0), 0);

  // Deliver like the host: receive up to 32 at a time, handle each at once, delete it when handled.
  const queue = await rt.storage.queue(rt.settings.probeQueue);
  const handling: Promise<ProbeRunResult | undefined>[] = [];
  while (handling.length < expected) {
    const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 600 });
    if (receivedMessageItems.length === 0) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    for (const item of receivedMessageItems) handling.push(deliver(rt, queue, item, errors));
  }
  const results = await Promise.all(handling);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);

  const firstExchange = Math.min(...timeline.exchange);
  const lastExchange = Math.max(...timeline.exchangeEnd);
  if (index > 0) printTimeline(index, started, firstExchange, lastExchange);
  const phases = {
    beforeExchangeMs: firstExchange - started,
    exchangeMs: lastExchange - firstExchange,
    afterExchangeMs: started + wallMs - lastExchange,
    storageBefore: timeline.storage.filter((t) => t < firstExchange).length,
    storageDuring: timeline.storage.filter((t) => t >= firstExchange && t <= lastExchange).length,
    storageAfter: timeline.storage.filter((t) => t > lastExchange).length,
    exchangeRequests: timeline.exchange.length,
    wireMs: wire.requests === 0 ? 0 : wire.totalMs / wire.requests,
    gapMs: gapsOf(wire.gaps),
  };
  const probed = results.filter((r): r is Extract<ProbeRunResult, { kind: "probed" }> => r?.kind === "probed");
  const tableRequests = rt.storage.requests.table - requestsBefore;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const memory = process.memoryUsage();
  return {
    type: "cycle-done",
    index,
    wallMs,
    scheduleMs,
    messages: expected,
    checked: probed.reduce((n, r) => n + r.checked, 0),
    failed: probed.reduce((n, r) => n + r.failed, 0),
    tableRequests,
    cpuMs: (cpu.user + cpu.system) / 1000,
    cpuSystemMs: cpu.system / 1000,
    sampledPeakRss,
    sampledPeakHeapTotal,
    sampledPeakExternal,
    maxRss: process.resourceUsage().maxRSS * 1024,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    phases,
    errors,
    ...(tableTrace !== undefined ? { storageTrace: Object.fromEntries([...tableTrace].sort((a, b) => b[1] - a[1])) } : {}),
  };
}

async function deliver(
  rt: AppContext,
  queue: Awaited<ReturnType<AppContext["storage"]["queue"]>>,
  item: DequeuedMessageItem,
  errors: string[],
): Promise<ProbeRunResult | undefined> {
  try {
    const result = await handleProbeMessage(rt, decodeQueuePayload(item.messageText));
    await queue.deleteMessage(item.messageId, item.popReceipt);
    return result;
  } catch (error) {
    errors.push(`probe: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
