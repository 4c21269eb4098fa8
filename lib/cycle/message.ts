import { z } from "zod";
import { formatIssues } from "../config/issues.js";

/** A queue message asking for one profile's probe cycle, or one shard of it. */
export interface ProbeMessage {
  profileId: string;
  cycle: number;
  shard: { index: number; count: number };
  /** The most simultaneous connections this shard may open; the shards of a cycle add up to the profile's limit. */
  maxConnections: number;
  /**
   * The address buckets [from, to) this shard checks, cut in proportion to its connections (lib/cycle/shard-sizes.ts).
   * Optional: a message queued before it existed gets the equal split of `shard` (store `shardBuckets`).
   */
  buckets?: { from: number; to: number };
  scheduledAt: string;
  /** A cycle of one shard: the cycle row's ETag as the schedule wrote it (store `startCycle`). Optional. */
  cycleEtag?: string;
  /**
   * The profile's Maximum Concurrent Connections the shards were planned with: the shard asks for its share while it
   * reads the profile (a limit changed since gives that share back and asks again). Optional.
   */
  profileLimit?: number;
  /**
   * How many of its mailboxes the shard reads first and starts on while it reads the others (a profile probed through
   * Graph alone: its batches take mailboxes as they come). Optional: without it the shard reads them all first.
   */
  firstPage?: number;
}

const messageSchema = z.strictObject({
  profileId: z.string().min(1).max(63),
  cycle: z.number().int().min(1),
  shard: z.strictObject({ index: z.number().int().min(0), count: z.number().int().min(1).max(100) }).refine((s) => s.index < s.count, "index must be below count"),
  maxConnections: z.number().int().min(1).max(100),
  buckets: z
    .strictObject({ from: z.number().int().min(0).max(1000), to: z.number().int().min(0).max(1000) })
    .refine((b) => b.from <= b.to, "from must not be above to")
    .optional(),
  scheduledAt: z.iso.datetime(),
  cycleEtag: z.string().min(1).max(256).optional(),
  profileLimit: z.number().int().min(1).max(100).optional(),
  firstPage: z.number().int().min(1).max(1000).optional(),
});

export type MessageParse = { ok: true; message: ProbeMessage } | { ok: false; problems: string[] };

/** Queue messages are input like any other: validated before anything is done with them. */
export function parseProbeMessage(payload: unknown): MessageParse {
  const parsed = messageSchema.safeParse(payload);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, problems: formatIssues(parsed.error.issues).map((p) => `${p.field}: ${p.message}`) };
}

export class InvalidProbeMessage extends Error {
  constructor(readonly problems: string[]) {
    super(`The probe message is not valid: ${problems.join("; ")}`);
    this.name = "InvalidProbeMessage";
  }
}

/** The queue function's input: a malformed message is refused (and, after the host's tries, kept in the poison queue). */
export function readProbeMessage(payload: unknown): ProbeMessage {
  const parsed = parseProbeMessage(payload);
  if (!parsed.ok) throw new InvalidProbeMessage(parsed.problems);
  return parsed.message;
}

/** Queue messages are Base64 text, the Functions host's default encoding; JSON payloads reach the handler as objects. */
export function encodeQueuePayload(payload: unknown): string {
  return Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload), "utf8").toString("base64");
}

export function decodeQueuePayload(messageText: string): unknown {
  const text = Buffer.from(messageText, "base64").toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
