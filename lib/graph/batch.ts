import { z } from "zod";
import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import type { Failure } from "../model/failure.js";
import { folderUrl, type GraphFolder } from "./folders.js";

/** Graph takes at most 20 requests in one JSON batch; five folders a mailbox make four mailboxes a batch. */
export const maxBatchRequests = 20;
export const mailboxesPerBatch = 4;

export interface BatchEntry {
  /** Unique within the batch; the answer carrying it belongs to this mailbox and folder. */
  id: string;
  address: string;
  folder: GraphFolder;
}

/** The ids of a mailbox's folders: its place in the batch and the folder, e.g. "2-calendar". */
export function planEntries(mailboxes: readonly { address: string; folders: readonly GraphFolder[] }[]): BatchEntry[] {
  return mailboxes.flatMap((m, slot) => m.folders.map((folder) => ({ id: `${slot}-${folder}`, address: m.address, folder })));
}

/** The `POST /v1.0/$batch` body for these entries. */
export function batchBody(entries: readonly BatchEntry[]): string {
  if (entries.length === 0 || entries.length > maxBatchRequests) throw new RangeError(`a batch holds 1 to ${maxBatchRequests} requests, not ${entries.length}`);
  if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new RangeError("batch request ids must be unique");
  return JSON.stringify({ requests: entries.map((e) => ({ id: e.id, method: "GET", url: folderUrl(e.address, e.folder) })) });
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const itemSchema = z.object({
  id: z.string().min(1),
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
});
const batchSchema = z.object({ responses: z.array(itemSchema).max(maxBatchRequests) });

export interface ItemAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: unknown;
}

export type BatchAnswers = { ok: true; answers: Map<string, ItemAnswer> } | { ok: false; failure: Failure };

/**
 * Reads a batch answer: every item by its id, whatever the order. A body that is not JSON, not the
 * batch shape, or repeats an id is one `invalid-response` for the whole batch, never an exception.
 * Ids that were not asked for are ignored; asked-for ids missing from the answer are left out of the map.
 */
export function parseBatchAnswer(body: Buffer | string, context: RemediationContext = {}): BatchAnswers {
  const invalid = (why: string): BatchAnswers => ({
    ok: false,
    failure: makeFailure("invalid-response", { code: "GraphBatchInvalid", message: `Microsoft Graph's $batch answer ${why}`, transient: true, context }),
  });
  let value: unknown;
  try {
    value = JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    return invalid("is not JSON");
  }
  const parsed = batchSchema.safeParse(value);
  if (!parsed.success) return invalid(`is not a batch response (${parsed.error.issues[0]?.path.join(".") || "document"}: ${parsed.error.issues[0]?.message ?? "invalid"})`);
  const answers = new Map<string, ItemAnswer>();
  for (const item of parsed.data.responses) {
    if (answers.has(item.id)) return invalid(`answers id ${item.id} twice`);
    const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    answers.set(item.id, { status: item.status, headers, body: item.body });
  }
  return { ok: true, answers };
}
