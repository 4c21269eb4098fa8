/** Messages between the probe benchmark (parent: Azurite, simulator, counters) and its worker (the app). */
import type { ChildProcess } from "node:child_process";
import type { FloorResult, FloorTarget, FloorWork } from "./floor.js";

export interface WorkerInit {
  type: "init";
  connectionString: string;
  tablePrefix: string;
  probeQueue: string;
  shardSize: number;
  sim: { dnsServers: string; caPem: string; httpsPort: number; httpPort: number };
  secrets: Record<string, string>;
  /** Minutes the worker's clock moves before each cycle, so every profile is due again. */
  advanceMinutes: number;
  /** The app's network timeouts (lib/net Timeouts), when the bench sets them. */
  timeouts?: { headersMs?: number };
}

export interface CycleRequest {
  type: "cycle";
  index: number;
}

export interface CycleReport {
  type: "cycle-done";
  index: number;
  /** Schedule timer start → every probe message handled (answers stored, cycle rolled up). */
  wallMs: number;
  scheduleMs: number;
  messages: number;
  checked: number;
  failed: number;
  tableRequests: number;
  /** CPU time of the app's process over the cycle (process.cpuUsage: user + system), ms. */
  cpuMs: number;
  /** The kernel's part of cpuMs (process.cpuUsage().system): socket writes and reads, much of it loopback TCP. */
  cpuSystemMs: number;
  /** Highest RSS sampled during the cycle, and the process's lifetime maxRSS so far (bytes). */
  sampledPeakRss: number;
  /** Highest V8 heap (reserved) and off-heap memory (external: Buffers, TLS and zlib state) sampled during the cycle (bytes). */
  sampledPeakHeapTotal: number;
  sampledPeakExternal: number;
  maxRss: number;
  /** After the cycle (after global.gc when exposed). */
  rss: number;
  heapUsed: number;
  /** Where the wall time went: before the first request to Exchange, between the first and the last answer, after it (ms); storage (queue and table) requests in each. */
  phases: {
    beforeExchangeMs: number;
    exchangeMs: number;
    afterExchangeMs: number;
    storageBefore: number;
    storageDuring: number;
    storageAfter: number;
    exchangeRequests: number;
    /** Mean time of an Exchange request on the wire: headers sent to the answer's last byte. */
    wireMs: number;
    /** A connection's idle time between an answer's last byte and its next request's headers (the app's turn). */
    gapMs: { mean: number; p50: number; p90: number; p99: number };
  };
  errors: string[];
  /** BENCH_TABLE_TRACE=1: the cycle's storage requests (tables and queue) by method and table or queue. */
  storageTrace?: Record<string, number>;
}

/** A bare client's pass over the same requests, from the worker's process (bench/floor.ts). */
export interface FloorRequest {
  type: "floor";
  target: FloorTarget;
  work: FloorWork;
}

export type ToWorker = WorkerInit | CycleRequest | FloorRequest | { type: "exit" };
export type FromWorker = { type: "ready" } | CycleReport | ({ type: "floor-done" } & FloorResult) | { type: "error"; message: string };

/** Asks the worker to exit (writing its CPU profile, if any) and waits for it, at most 10 s. */
export async function stopWorker(worker: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => worker.once("exit", resolve));
  worker.send({ type: "exit" } satisfies ToWorker);
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
}

/** One request to the worker and its answer; an error reply or the worker's exit rejects. */
export function rpc(worker: ChildProcess): (message: ToWorker) => Promise<FromWorker> {
  return (message) =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: FromWorker) => {
        cleanup();
        if (reply.type === "error") reject(new Error(`probe worker: ${reply.message}`));
        else resolve(reply);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`probe worker exited with code ${code}`));
      };
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("exit", onExit);
      worker.send(message);
    });
}
