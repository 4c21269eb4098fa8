import type { Dispatcher } from "undici";
import { makeFailure } from "../diagnosis/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { readBody } from "./body.js";
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

/** One request on a dispatcher (a pool or a pinned client): redirects are returned, never followed. */
export async function send(dispatcher: Dispatcher, url: URL, request: HttpRequest, settings: SendSettings): Promise<Outcome<HttpReply>> {
  const started = performance.now();
  const timeouts = { ...settings.timeouts, ...request.timeouts };
  const method = request.method ?? "GET";
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineError(timeouts.totalMs)), timeouts.totalMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
  try {
    const response = await untilAborted(signal, dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method,
      headers: { "accept-encoding": "gzip, deflate", ...request.headers },
      body: request.body ?? null,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      signal,
    }));
    const headers = copyHeaders(response.headers);
    const length = Number(headers["content-length"]);
    if (Number.isFinite(length) && length > settings.maxBodyBytes) {
      response.body.destroy();
      throw new ResponseTooLargeError(settings.maxBodyBytes);
    }
    const encoding = headers["content-encoding"];
    const body = await readBody(response.body, Array.isArray(encoding) ? encoding[0] : encoding, settings.maxBodyBytes);
    return succeed({ url: url.href, status: response.statusCode, headers, body, elapsedMs: Math.round(performance.now() - started) });
  } catch (error) {
    const reason = signal.aborted && !(error instanceof ResponseTooLargeError) ? (signal.reason ?? error) : error;
    return fail(classifyError(reason, method, url));
  } finally {
    clearTimeout(timer);
  }
}

function copyHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) copy[name.toLowerCase()] = value;
  }
  return copy;
}

/**
 * undici applies an abort only once a queued request reaches a connection; a request still waiting
 * for a place in the budget must fail at its deadline all the same.
 */
function untilAborted(signal: AbortSignal, pending: Promise<Dispatcher.ResponseData>): Promise<Dispatcher.ResponseData> {
  pending.then(
    (late) => signal.aborted && late.body.destroy(),
    () => undefined,
  );
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
