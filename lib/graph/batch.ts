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
  headers: z.record(z.string(), z.unknown()).optional(),
  body: z.unknown().optional(),
});
const batchSchema = z.object({ responses: z.array(z.unknown()) });
const idOnly = z.object({ id: z.string().min(1) });

/** One item's answer, or why it cannot be read (`invalid`): that item's request alone is then judged unanswerable. */
export type ItemAnswer = { status: number; /** Lower-case names. */ headers: Record<string, string>; body: unknown } | { invalid: string };

export type BatchAnswers = { ok: true; answers: Map<string, ItemAnswer> } | { ok: false; failure: Failure };

/**
 * Reads a batch answer: every item by its id, whatever the order. A body that is not JSON or has no `responses` list
 * is one `invalid-response` for the whole batch, never an exception. Otherwise each item stands alone: one without a
 * usable status, or an id answered twice, is `invalid` for that id only; an item without an id, and ids that were not
 * asked for, are left out (asked-for ids missing from the answer are judged unanswered). Header values that are not
 * strings are dropped.
 */
export function parseBatchAnswer(body: Buffer | string, context: RemediationContext = {}): BatchAnswers {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    return invalidBatch("is not JSON", context);
  }
  const parsed = batchSchema.safeParse(value);
  if (!parsed.success) return invalidBatch(`is not a batch response (${parsed.error.issues[0]?.path.join(".") || "document"}: ${parsed.error.issues[0]?.message ?? "invalid"})`, context);
  const answers = new Map<string, ItemAnswer>();
  const twice = new Set<string>();
  for (const [index, raw] of parsed.data.responses.entries()) {
    const item = itemSchema.safeParse(raw);
    // Only an item that is not whole is read a second time, for its id alone.
    const id = item.success ? item.data : idOnly.safeParse(raw).data;
    if (id === undefined) continue;
    const key = id.id;
    if (answers.has(key)) twice.add(key);
    if (!item.success) {
      answers.set(key, { invalid: `item ${index} (id ${key}) is not a batch item (${item.error.issues[0]?.path.join(".") ?? ""}: ${item.error.issues[0]?.message ?? "invalid"})` });
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [name, v] of Object.entries(item.data.headers ?? {})) if (typeof v === "string") headers[name.toLowerCase()] = v;
    answers.set(key, { status: item.data.status, headers, body: item.data.body });
  }
  for (const key of twice) answers.set(key, { invalid: `answers id ${key} twice` });
  return { ok: true, answers };
}

function invalidBatch(why: string, context: RemediationContext): BatchAnswers {
  return { ok: false, failure: makeFailure("invalid-response", { code: "GraphBatchInvalid", message: `Microsoft Graph's $batch answer ${why}`, transient: true, context }) };
}
