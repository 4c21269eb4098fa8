import type { Failure } from "../model/failure.js";

/** Keys and property values as Table Storage needs them: hour keys, newest-first keys, safe key parts, bounded JSON columns. */

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** The UTC clock hour of a time, as `yyyyMMddHH`. */
export function hourKey(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}`;
}

/** The start of the UTC hour an `yyyyMMddHH` key names. */
export function hourStart(key: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(key);
  if (match === null) throw new Error(`"${key}" is not an hour key (yyyyMMddHH)`);
  const [, y, m, d, h] = match;
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h)));
}

const hourMs = 3_600_000;

/** Every hour key from the hour of `from` to the hour of `to`, both included, oldest first. */
export function hourKeysBetween(from: Date, to: Date): string[] {
  const keys: string[] = [];
  const first = Math.floor(from.getTime() / hourMs) * hourMs;
  for (let t = first; t <= to.getTime(); t += hourMs) keys.push(hourKey(new Date(t)));
  return keys;
}

/** Greater than any time in milliseconds a Date can hold, so `maxTime - ms` is never negative. */
const maxTime = 8.64e15;

/** A RowKey that sorts newest first: 16 digits of (8.64e15 − ms), then the optional suffix. */
export function newestFirstKey(date: Date, suffix = ""): string {
  return `${pad(maxTime - date.getTime(), 16)}${suffix}`;
}

/** The time a newest-first key was made from (the suffix is ignored). */
export function timeOfNewestFirstKey(key: string): Date {
  return new Date(maxTime - Number(key.slice(0, 16)));
}

/**
 * Makes any string safe for a PartitionKey or RowKey. Keys refuse / \ # ? and control characters, and quotes
 * complicate filters, so everything outside a small safe set becomes `~` and the hex of its UTF-8 bytes.
 * Safe characters stay as they are, so an email address is still readable and sorts by itself.
 */
export function encodeKeyPart(value: string): string {
  let out = "";
  for (const char of value) {
    if (/^[A-Za-z0-9@._+=-]$/.test(char)) out += char;
    else for (const byte of Buffer.from(char, "utf8")) out += `~${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export function decodeKeyPart(key: string): string {
  if (!key.includes("~")) return key;
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (key[i] === "~") {
      bytes.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(key.charCodeAt(i));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** A string property holds at most 64 KiB, that is 32K UTF-16 code units; stay below with a margin. */
export const maxPropertyChars = 32_000;

export class PropertyTooLarge extends Error {
  constructor(readonly property: string, readonly length: number) {
    super(`The ${property} column would hold ${length} characters; Table Storage allows at most ${maxPropertyChars}`);
    this.name = "PropertyTooLarge";
  }
}

/** Nested values (failures, channel statuses, step lists) are stored as one JSON string column. */
export function jsonColumn(property: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length > maxPropertyChars) throw new PropertyTooLarge(property, text.length);
  return text;
}

/** Reads a JSON column back; a missing column gives `fallback`. */
export function parseJsonColumn<T>(text: unknown, fallback: T): T {
  if (typeof text !== "string" || text === "") return fallback;
  return JSON.parse(text) as T;
}

/** A short text column, cut to fit (Exchange's own words can be long). */
export function clip(text: string, max = 4_000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Optional string columns: present only when there is a value. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A failure as a JSON column, its texts clipped so the column always fits. */
export function failureColumn(property: string, failure: Failure): string {
  return jsonColumn(property, compactFailure(failure));
}

export function compactFailure(failure: Failure): Failure {
  return { ...failure, code: clip(failure.code, 200), message: clip(failure.message), remediation: clip(failure.remediation) };
}
