import { errors, type Dispatcher } from "undici";
import { makeFailure } from "../diagnosis/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { decodeBody } from "./body.js";
import { classifyError, DeadlineError, ResponseTooLargeError } from "./errors.js";
import type { HttpReply, HttpRequest, Timeouts } from "./types.js";

/**
 * Invariant 3: a request that carries credentials (said so, or an Authorization header) goes over
 * https only; plain http is allowed for an unauthenticated GET (the Autodiscover redirect probe).
 */
export function checkUrl(request: HttpRequest): Outcome<URL> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return fail(makeFailure("invalid-response", { code: "ERR_INVALID_URL", message: `not an absolute URL: ${request.url}`, transient: false }));
  }
  if (url.protocol === "https:") return succeed(url);
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.protocol !== "http:") {
    return fail(makeFailure("insecure-url", { code: "ERR_UNSUPPORTED_PROTOCOL", message: `${where}: only https (and http for an unauthenticated GET) is supported` }));
  }
  if (carriesCredentials(request) || (request.method ?? "GET") !== "GET" || request.body !== undefined) {
    return fail(
      makeFailure("insecure-url", {
        code: "ERR_INSECURE_URL",
        message: `${where}: refused to send an authenticated request over plain http; nothing was sent`,
        context: { host: url.hostname },
      }),
    );
  }
  return succeed(url);
}

export function carriesCredentials(request: HttpRequest): boolean {
  if (request.carriesCredentials) return true;
  return Object.keys(request.headers ?? {}).some((name) => ["authorization", "cookie", "proxy-authorization"].includes(name.toLowerCase()));
}

export interface SendSettings {
  timeouts: Timeouts;
  maxBodyBytes: number;
}

/**
 * One request on a dispatcher (a pool or a pinned client): redirects are returned, never followed. It uses
 * undici's handler API rather than `request()`: the answer is collected straight from the socket's chunks (no
 * body stream per response), and the response timeout runs on a native timer from the moment the request is
 * written to its connection (undici's own headers timeout ticks at about a second, so a 1 s timeout fired
 * anywhere between 1 and 2 s; it stays set as a backstop).
 */
export function send(dispatcher: Dispatcher, url: URL, request: HttpRequest, settings: SendSettings): Promise<Outcome<HttpReply>> {
  const started = performance.now();
  const timeouts = request.timeouts === undefined ? settings.timeouts : { ...settings.timeouts, ...request.timeouts };
  const method = request.method ?? "GET";
  const limit = settings.maxBodyBytes;
  return new Promise((resolve) => {
    let controller: Dispatcher.DispatchController | undefined;
    let headersTimer: NodeJS.Timeout | undefined;
    let settled = false;
    let status = 0;
    let headers: Record<string, string | string[]> = {};
    const chunks: Buffer[] = [];
    let received = 0;

    const settle = (outcome: Outcome<HttpReply>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(headersTimer);
      request.signal?.removeEventListener("abort", onSignal);
      resolve(outcome);
    };
    /** Stops the request (its connection is dropped) and fails it with `error`. */
    const stop = (error: unknown): void => {
      if (settled) return;
      settle(fail(classifyError(error, method, url)));
      controller?.abort(error instanceof Error ? error : new Error(String(error)));
    };
    const onSignal = (): void => stop(request.signal?.reason ?? new Error("aborted"));
    const totalTimer = setTimeout(() => stop(new DeadlineError(timeouts.totalMs)), timeouts.totalMs);
    if (request.signal?.aborted) return onSignal();
    request.signal?.addEventListener("abort", onSignal, { once: true });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        // Stopped while it waited for a connection (the deadline, or the caller's signal): never sent.
        if (settled) return c.abort(new Error("the request was stopped before it was sent"));
        headersTimer = setTimeout(() => stop(new errors.HeadersTimeoutError(`no response headers within ${timeouts.headersMs} ms`)), timeouts.headersMs);
      },
      onResponseStart(c, statusCode, responseHeaders) {
        clearTimeout(headersTimer);
        status = statusCode;
        headers = copyHeaders(responseHeaders);
        const length = Number(headers["content-length"]);
        if (Number.isFinite(length) && length > limit) stop(new ResponseTooLargeError(limit));
      },
      onResponseData(c, chunk) {
        received += chunk.length;
        if (received > limit) return stop(new ResponseTooLargeError(limit));
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        try {
          const encoding = headers["content-encoding"];
          const body = decodeBody(Buffer.concat(chunks, received), Array.isArray(encoding) ? encoding[0] : encoding, limit);
          settle(succeed({ url: url.href, status, headers, body, elapsedMs: Math.round(performance.now() - started) }));
        } catch (error) {
          settle(fail(classifyError(error, method, url)));
        }
      },
      onResponseError(c, error) {
        settle(fail(classifyError(error, method, url)));
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers: { "accept-encoding": "gzip, deflate", ...request.headers },
          body: request.body ?? null,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyMs,
        },
        handler,
      );
    } catch (error) {
      settle(fail(classifyError(error, method, url)));
    }
  });
}

function copyHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) copy[name.toLowerCase()] = value;
  }
  return copy;
}
