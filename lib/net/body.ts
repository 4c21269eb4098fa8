import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { ResponseTooLargeError } from "./errors.js";

/**
 * Reads a response body into memory, decoding gzip/deflate. The cap applies to the bytes received
 * and to the decoded bytes: past it, reading stops and the stream (and so its socket) is destroyed.
 */
export async function readBody(body: Readable, contentEncoding: string | undefined, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let decoded = 0;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      decoded += chunk.length;
      if (decoded > limit) throw new ResponseTooLargeError(limit);
      chunks.push(chunk);
    }
  };
  const decoder = decoderFor(contentEncoding);
  // Without an encoding the body is read directly: a pipeline costs an AbortController (and a DOMException
  // with a stack trace when it finishes) per response.
  if (decoder) await pipeline(body, capped(limit), decoder, sink);
  else await sink(body);
  return Buffer.concat(chunks, decoded);
}

function capped(limit: number) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let received = 0;
    for await (const chunk of source) {
      received += chunk.length;
      if (received > limit) throw new ResponseTooLargeError(limit);
      yield chunk;
    }
  };
}

function decoderFor(contentEncoding: string | undefined): zlib.Gunzip | zlib.Inflate | undefined {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding === "gzip" || encoding === "x-gzip") return zlib.createGunzip();
  if (encoding === "deflate") return zlib.createInflate();
  return undefined;
}
