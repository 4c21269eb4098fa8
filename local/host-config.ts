import { readFileSync } from "node:fs";

/** The parts of host.json the local host honours, with the Functions host's own defaults. */
export interface HostConfig {
  routePrefix: string;
  queues: { maxPollingIntervalMs: number; visibilityTimeoutMs: number; batchSize: number; maxDequeueCount: number };
}

export const defaultHostConfig: HostConfig = {
  routePrefix: "api",
  queues: { maxPollingIntervalMs: 60_000, visibilityTimeoutMs: 0, batchSize: 16, maxDequeueCount: 5 },
};

export function readHostConfig(path: string): HostConfig {
  const json = JSON.parse(readFileSync(path, "utf8")) as {
    extensions?: {
      http?: { routePrefix?: string };
      queues?: { maxPollingInterval?: string; visibilityTimeout?: string; batchSize?: number; maxDequeueCount?: number; messageEncoding?: string };
    };
  };
  const queues = json.extensions?.queues ?? {};
  if (queues.messageEncoding !== undefined && queues.messageEncoding !== "base64") {
    throw new Error(`host.json: extensions.queues.messageEncoding "${queues.messageEncoding}" is not supported by the local host (base64 only)`);
  }
  const d = defaultHostConfig.queues;
  return {
    routePrefix: (json.extensions?.http?.routePrefix ?? defaultHostConfig.routePrefix).replace(/^\/+|\/+$/g, ""),
    queues: {
      maxPollingIntervalMs: queues.maxPollingInterval ? timeSpanMs(queues.maxPollingInterval) : d.maxPollingIntervalMs,
      visibilityTimeoutMs: queues.visibilityTimeout ? timeSpanMs(queues.visibilityTimeout) : d.visibilityTimeoutMs,
      batchSize: queues.batchSize ?? d.batchSize,
      maxDequeueCount: queues.maxDequeueCount ?? d.maxDequeueCount,
    },
  };
}

/** host.json time spans are "hh:mm:ss". */
export function timeSpanMs(value: string): number {
  const match = /^(\d{1,2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(value);
  if (!match) throw new Error(`host.json: "${value}" is not a time span hh:mm:ss`);
  return ((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3]) + Number(match[4] ?? 0)) * 1000;
}
