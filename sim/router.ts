import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "./auth/authenticate.js";
import { handlePox, handleSoap } from "./autodiscover/handler.js";
import type { Counters, UrlProtocol } from "./counters.js";
import { handleEws } from "./ews/handler.js";
import { handleGraph } from "./graph/handler.js";
import type { InFlight } from "./graph/in-flight.js";
import { answerServerFault, echoSecrets } from "./http/faults.js";
import { answerAfter, readBody, send } from "./http/io.js";
import { handleDataverse } from "./dataverse/handler.js";
import type { DataverseState } from "./dataverse/state.js";
import { handleLogin } from "./login.js";
import { handleManagedIdentity, managedIdentityPath } from "./managed-identity.js";
import type { OrgState, ServerState } from "./state.js";

export interface RouterContext {
  org: OrgState;
  counters: Counters;
  tokenSecret: Buffer;
  dataverse?: DataverseState;
  graphInFlight: InFlight;
}

export function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? "").trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
}

/** Answers one request on either listener: the Host header picks the server, the path picks the service. */
export async function route(ctx: RouterContext, req: IncomingMessage, res: ServerResponse, protocol: UrlProtocol): Promise<void> {
  const arrived = performance.now();
  const host = hostOf(req);
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  ctx.counters.recordRequest({ host, method: req.method ?? "GET", path, protocol, at: performance.now() });
  const authorization = req.headers.authorization;
  if (authorization) ctx.counters.recordCredential({ host, path, protocol, scheme: authorization.trim().split(/\s+/)[0] ?? "" });

  const managedIdentity = ctx.org.spec.managedIdentity;
  if (protocol === "http" && managedIdentity !== undefined && path.toLowerCase() === managedIdentityPath) return handleManagedIdentity(managedIdentity, ctx.tokenSecret, req, res);
  const server = ctx.org.server(host);
  if (!server) return send(res, 404, "text/plain", `The simulator has no host ${host}.\n`);
  // Graph holds its concurrency places through the latency, so it applies latency and faults itself.
  if (protocol === "https" && server.spec.graph) {
    return handleGraph({ org: ctx.org, counters: ctx.counters, tokenSecret: ctx.tokenSecret, inFlight: ctx.graphInFlight }, server, req, res, path);
  }
  answerAfter(res, arrived, server.knobs.latencyMs);
  if (answerServerFault(server.knobs, res)) return;
  if (protocol === "http") return plainHttp(server, res);
  if (ctx.org.isLoginHost(host)) {
    const onCredential = (scheme: string) => ctx.counters.recordCredential({ host, path, protocol, scheme });
    return handleLogin({ org: ctx.org, host, tokenSecret: ctx.tokenSecret, onCredential }, req, res, path);
  }
  if (ctx.dataverse && host === ctx.dataverse.host) return handleDataverse(ctx.dataverse, ctx.tokenSecret, req, res);
  const service = serviceOf(server, path.toLowerCase());
  if (!service) return send(res, 404, "text/html", "<html><body><h1>404 - File or directory not found.</h1></body></html>");

  const body = await readBody(req);
  const auth = authenticate(ctx.org, server, req, ctx.tokenSecret);
  if (server.knobs.echoSecrets !== false) {
    const echoed = echoSecrets(server, authorization, auth, res);
    if (echoed) return;
  }
  if (auth.kind === "unauthorized") {
    return send(res, 401, "text/html", "<html><body>401 - Unauthorized</body></html>", { "WWW-Authenticate": auth.challenges, ...auth.headers });
  }
  if (auth.kind === "forbidden") {
    return send(res, 403, "text/plain", `${auth.reason}\n`, { "x-ms-diagnostics": `2000008;reason="${auth.reason}"`, ...auth.headers });
  }
  const method = req.method ?? "GET";
  if (service === "pox") return handlePox(ctx.org, server, method, body, res);
  if (service === "soap") return handleSoap(ctx.org, server, method, body, res);
  return handleEws(ctx.org, server, auth.principal, method, body, res);
}

function serviceOf(server: ServerState, path: string): "pox" | "soap" | "ews" | undefined {
  if (server.spec.autodiscover && server.spec.pox !== false && path === "/autodiscover/autodiscover.xml") return "pox";
  if (server.spec.autodiscover && path === "/autodiscover/autodiscover.svc") return "soap";
  if (server.spec.ews !== false && path === "/ews/exchange.asmx") return "ews";
  return undefined;
}

/** Plain http only redirects (when configured); Exchange requires SSL everywhere else. */
function plainHttp(server: ServerState, res: ServerResponse): void {
  if (server.spec.httpRedirect) return send(res, 302, "text/html", "<html><body>Object moved</body></html>", { Location: server.spec.httpRedirect });
  send(res, 403, "text/html", "<html><body><h1>403.4 - SSL is required to view this resource.</h1></body></html>");
}
