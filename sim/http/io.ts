import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

const maxRequestBody = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxRequestBody) throw new Error("request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * When each answer may leave. A server's latency runs from the request's arrival and its own work of answering is
 * part of it: the answer is made at once and held until then, so the simulator's CPU time (two processes and
 * Azurite share the machine's cores) is not added to the latency the benchmarks' bound assumes.
 */
const answerTimes = new WeakMap<ServerResponse, number>();

/** The answer to `res` leaves no earlier than `latencyMs` after `arrived` (a `performance.now()` time). */
export function answerAfter(res: ServerResponse, arrived: number, latencyMs: number): void {
  answerTimes.set(res, arrived + latencyMs);
}

/** The answer to `res` leaves `ms` later than it was going to (a mailbox that stalls). */
export function answerLater(res: ServerResponse, ms: number): void {
  answerTimes.set(res, (answerTimes.get(res) ?? performance.now()) + ms);
}

/** Runs `write` when the answer to `res` may leave. */
export function whenAnswerDue(res: ServerResponse, write: () => void): void {
  const wait = (answerTimes.get(res) ?? 0) - performance.now();
  if (wait > 0) setTimeout(write, wait);
  else write();
}

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(body, "utf8");
  whenAnswerDue(res, () => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { "Content-Type": contentType, "Content-Length": payload.length, ...headers });
    res.end(payload);
  });
}

export const sendXml = (res: ServerResponse, status: number, xml: string, headers: OutgoingHttpHeaders = {}): void =>
  send(res, status, "text/xml; charset=utf-8", xml, headers);

export const sendJson = (res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value), headers);

export const delay = (ms: number): Promise<void> => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** XML-escapes text for element content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Text of every element with this local name, whatever its prefix. */
export function elementTexts(xml: string, localName: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${localName}>`, "g");
  return [...xml.matchAll(re)].map((m) => unescape(m[1]!.trim()));
}

/** Value of `attr` on every element with this local name. */
export function elementAttrs(xml: string, localName: string, attr: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${localName}\\s[^>]*?\\b${attr}\\s*=\\s*["']([^"']*)["']`, "g");
  return [...xml.matchAll(re)].map((m) => unescape(m[1]!));
}

function unescape(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" })[e]!);
}
