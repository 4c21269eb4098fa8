import type { IncomingMessage } from "node:http";
import { graphError, type GraphReply } from "./reply.js";
import { parseResource, type GraphResource } from "./resource.js";

/** Graph takes at most 20 requests in one JSON batch. */
const maxBatchRequests = 20;

export interface Item {
  id: string;
  method: string;
  resource: GraphResource;
  clientRequestId?: string;
}

export type Parsed = { kind: "single"; item: Item } | { kind: "batch"; items: Item[] } | { kind: "error"; reply: GraphReply };

/** A single `GET /v1.0/users/...` or a `POST /v1.0/$batch`, or the 400 that refuses it. */
export function parse(req: IncomingMessage, path: string, body: string, crid: string | undefined): Parsed {
  const url = req.url ?? "/";
  const lowerPath = path.toLowerCase();
  if (!lowerPath.startsWith("/v1.0/")) return { kind: "error", reply: graphError(400, "BadRequest", "Invalid version.", crid) };
  if (lowerPath === "/v1.0/$batch") {
    if (req.method !== "POST") return { kind: "error", reply: graphError(405, "BadRequest", "$batch accepts POST only.", crid) };
    return parseBatch(body, crid);
  }
  const item: Item = { id: "single", method: req.method ?? "GET", resource: parseResource(url.slice("/v1.0".length)) };
  if (crid !== undefined) item.clientRequestId = crid;
  return { kind: "single", item };
}

function parseBatch(body: string, crid: string | undefined): Parsed {
  const bad = (message: string): Parsed => ({ kind: "error", reply: graphError(400, "BadRequest", message, crid) });
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return bad("Invalid batch payload format.");
  }
  const requests = (value as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return bad("Invalid batch payload format.");
  if (requests.length > maxBatchRequests) return bad(`The number of batch requests exceeds the limit of ${maxBatchRequests}.`);
  const items: Item[] = [];
  const ids = new Set<string>();
  for (const r of requests as Record<string, unknown>[]) {
    const id = r?.id;
    const url = r?.url;
    if (typeof id !== "string" || id === "" || typeof url !== "string") return bad("Each batch request needs a string id and url.");
    if (ids.has(id)) return bad(`Batch request ids must be unique; '${id}' is repeated.`);
    ids.add(id);
    const headers = (typeof r.headers === "object" && r.headers !== null ? r.headers : {}) as Record<string, unknown>;
    const itemCrid = Object.entries(headers).find(([k]) => k.toLowerCase() === "client-request-id")?.[1];
    const item: Item = { id, method: typeof r.method === "string" ? r.method.toUpperCase() : "GET", resource: parseResource(url.startsWith("/") ? url : `/${url}`) };
    if (typeof itemCrid === "string") item.clientRequestId = itemCrid;
    items.push(item);
  }
  return { kind: "batch", items };
}

