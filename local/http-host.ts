import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import azureFunctions from "@azure/functions";
import type { HttpResponse as HttpResponseType, HttpResponseInit } from "@azure/functions";
import type { Registration } from "../app/registrations.js";
import { compileRoute, type RouteMatcher } from "./routes.js";
import { elapsedSince, errorText, levelOfInvocation, type LocalLog } from "./log.js";

// @azure/functions is CommonJS; its classes are reached through the default export.
const { HttpRequest, HttpResponse, InvocationContext } = azureFunctions;

type HttpRegistration = Extract<Registration, { kind: "http" }>;

export interface LocalKeys {
  /** Accepted for `function` level; the admin key is accepted everywhere. */
  function: string;
  admin: string;
}

const maxRequestBytes = 10 * 1024 * 1024;

/** Serves HTTP functions like the Functions host: route prefix, route templates, methods, auth levels. */
export function createHttpHost(options: {
  registrations: readonly Registration[];
  routePrefix: string;
  keys: LocalKeys;
  log: LocalLog;
}): Server {
  const routes = options.registrations
    .filter((r): r is HttpRegistration => r.kind === "http")
    .map((r) => ({ registration: r, matcher: compileRoute(r.route) as RouteMatcher }));
  const prefix = options.routePrefix === "" ? "" : `/${options.routePrefix}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      options.log(`http ${req.method} ${(req.url ?? "/").split("?")[0]} crashed the local host: ${errorText(error)}`, "error");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal Server Error");
    });
  });
  // No function takes CONNECT (or a protocol upgrade): answer it, as the Functions host does, rather than drop the socket.
  const refuse = (req: IncomingMessage, socket: Duplex) => {
    options.log(`http ${req.method} ${req.url ?? ""} refused: no function takes it`, "debug");
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nAllow: ${allowedMethods(routes)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 18\r\nConnection: close\r\n\r\nMethod Not Allowed`);
  };
  server.on("connect", refuse);
  server.on("upgrade", refuse);
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (url === undefined) return sendText(res, 400, "Bad Request: the Host header or the request target is malformed");
    if (!url.pathname.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) return sendText(res, 404, "Not Found");
    const path = url.pathname.slice(prefix.length);
    const candidates = routes.map((r) => ({ ...r, params: r.matcher.match(path) })).filter((r) => r.params !== undefined);
    if (candidates.length === 0) return sendText(res, 404, "Not Found");
    const method = (req.method ?? "GET").toUpperCase();
    const route = candidates.find((r) => (r.registration.methods as string[]).includes(method));
    if (route === undefined) {
      res.setHeader("allow", [...new Set(candidates.flatMap((c) => c.registration.methods))].join(", "));
      return sendText(res, 405, "Method Not Allowed");
    }
    const { registration } = route;
    if (!authorized(registration.authLevel, url, req, options.keys)) return sendText(res, 401, "Unauthorized");

    const body = await readBody(req);
    if (body === "too-large") return sendText(res, 413, "Payload Too Large");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers,
      query,
      params: route.params as Record<string, string>,
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    });
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: registration.name,
      logHandler: (level, ...args) => options.log(`${registration.name}: ${args.map(String).join(" ")}`, levelOfInvocation(level)),
    });
    const started = performance.now();
    let response: HttpResponseType;
    try {
      const result = await registration.handler(request, context);
      response = result instanceof HttpResponse ? result : new HttpResponse((result ?? {}) as HttpResponseInit);
    } catch (error) {
      options.log(`${registration.name} (http ${method} ${url.pathname}) failed in ${elapsedSince(started)}: ${errorText(error)}`, "error");
      return sendText(res, 500, "Internal Server Error");
    }
    const payload = Buffer.from(await response.arrayBuffer());
    const outgoing: Record<string, string> = {};
    response.headers.forEach((value, name) => (outgoing[name] = value));
    res.writeHead(response.status, outgoing);
    res.end(method === "HEAD" ? undefined : payload);
    options.log(`${registration.name} (http ${method} ${url.pathname}) ${response.status} in ${elapsedSince(started)}`, "debug");
  }
}

function authorized(level: HttpRegistration["authLevel"], url: URL, req: IncomingMessage, keys: LocalKeys): boolean {
  if (level === "anonymous") return true;
  const header = req.headers["x-functions-key"];
  const given = url.searchParams.get("code") ?? (Array.isArray(header) ? header[0] : header);
  // An empty key is never a key, whatever the host was given.
  if (given === undefined || given === "") return false;
  return (keys.admin !== "" && sameKey(given, keys.admin)) || (level === "function" && keys.function !== "" && sameKey(given, keys.function));
}

/** The request's URL, or undefined when its Host header or target cannot make one (the host answers 400, never 500). */
function requestUrl(req: IncomingMessage): URL | undefined {
  const target = req.url ?? "/";
  if (!target.startsWith("/") || target.startsWith("//")) return undefined;
  try {
    const url = new URL(target, `http://${req.headers.host ?? "localhost"}`);
    return url.pathname.startsWith("/") ? url : undefined;
  } catch {
    return undefined;
  }
}

function allowedMethods(routes: readonly { registration: HttpRegistration }[]): string {
  return [...new Set(routes.flatMap((r) => r.registration.methods))].join(", ");
}

/** Keys are compared in constant time, so response timing says nothing about how much of a key was right. */
function sameKey(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<Uint8Array | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBytes) {
        req.removeAllListeners("data");
        req.resume();
        resolve("too-large");
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}
