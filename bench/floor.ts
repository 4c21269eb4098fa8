import { Pool } from "undici";
import { distinguishedFolders, getFolderRequestBody } from "../lib/exchange/ews-getfolder.js";
import { batchBody, chunk, mailboxesPerBatch, planEntries } from "../lib/graph/batch.js";
import { graphFolders } from "../lib/graph/folders.js";

/**
 * The floor: what a bare HTTP client (undici, nothing else: no parsing, no storage, no budget) achieves against the
 * same simulator on the same machine, sending the requests the app sends (the same bodies and headers) over the
 * same number of kept-alive connections from a process of its own. The latency model's bound assumes the answer
 * comes exactly L ms after the request left; the floor shows how far the machine itself is from that, so the
 * app's own share of a cycle's time is the rest.
 */
export type FloorWork =
  | { kind: "ews-getfolder"; host: string; domain: string; authorization: string; mailboxes: number }
  | { kind: "graph-batch"; host: string; domain: string; authorization: string; mailboxes: number };

export interface FloorTarget {
  httpsPort: number;
  caPem: string;
  connections: number;
}

export interface FloorResult {
  requests: number;
  wallMs: number;
  /** Wall time per request on one connection: wallMs × connections / requests (the bound's L). */
  perRequestMs: number;
}

/** The floor's line in the benchmark's progress output. */
export function describeFloor(label: string, floor: FloorResult): string {
  return `  ${label} (a bare client, the same ${floor.requests} requests): ${Math.round(floor.wallMs)} ms, ${floor.perRequestMs.toFixed(2)} ms per request and connection`;
}

interface RawRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

function requestsOf(work: FloorWork): RawRequest[] {
  const addresses = Array.from({ length: work.mailboxes }, (_, m) => `user${m}@${work.domain}`);
  if (work.kind === "ews-getfolder") {
    return addresses.map((address) => ({
      path: "/EWS/Exchange.asmx",
      headers: { host: work.host, authorization: work.authorization, "content-type": "text/xml; charset=utf-8", "x-anchormailbox": address },
      body: getFolderRequestBody({ address, requestServerVersion: "Exchange2013_SP1", folders: distinguishedFolders }),
    }));
  }
  return chunk(addresses, mailboxesPerBatch).map((part) => ({
    path: "/v1.0/$batch",
    headers: { host: work.host, authorization: work.authorization, "content-type": "application/json" },
    body: batchBody(planEntries(part.map((address) => ({ address, folders: graphFolders })))),
  }));
}

/** Sends every request of `work`, `connections` at a time, after one warm-up round that opens the connections. */
export async function measureFloor(target: FloorTarget, work: FloorWork): Promise<FloorResult> {
  const requests = requestsOf(work);
  const pool = new Pool(`https://127.0.0.1:${target.httpsPort}`, { connections: target.connections, connect: { ca: target.caPem, servername: work.host } });
  const send = async (request: RawRequest): Promise<void> => {
    const answer = await pool.request({ path: request.path, method: "POST", headers: request.headers, body: request.body });
    await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`floor: ${request.path} answered ${answer.statusCode}`);
  };
  const run = async (list: readonly RawRequest[]): Promise<number> => {
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: target.connections }, async () => {
      while (next < list.length) await send(list[next++]!);
    }));
    return performance.now() - started;
  };
  try {
    await run(requests.slice(0, target.connections));
    const wallMs = await run(requests);
    return { requests: requests.length, wallMs, perRequestMs: (wallMs * target.connections) / requests.length };
  } finally {
    await pool.close();
  }
}
