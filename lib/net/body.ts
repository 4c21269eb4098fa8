import zlib from "node:zlib";
import { ResponseTooLargeError } from "./errors.js";

/**
 * Decodes a response body received whole (the caller caps the bytes received): gzip and deflate are inflated
 * with the same cap on the decoded bytes, so a small compressed bomb stops at the cap instead of filling memory.
 */
export function decodeBody(received: Buffer, contentEncoding: string | undefined, limit: number): Buffer {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "x-gzip" && encoding !== "deflate") return received;
  try {
    return encoding === "deflate" ? zlib.inflateSync(received, { maxOutputLength: limit }) : zlib.gunzipSync(received, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new ResponseTooLargeError(limit);
    throw error;
  }
}
