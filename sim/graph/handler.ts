import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyToken } from "../auth/tokens.js";
import type { Counters } from "../counters.js";
import { answerServerFault } from "../http/faults.js";
import { delay, readBody, send, sendJson } from "../http/io.js";
import type { OAuthAppSpec } from "../spec.js";
import type { OrgState, ServerState } from "../state.js";
import { decideGraph } from "./decide.js";
import { mailboxConcurrencyLimit, type InFlight } from "./in-flight.js";
import { graphError, throttled, type GraphReply } from "./reply.js";
import { parse, type Item, type Parsed } from "./request.js";

export interface GraphContext {
  org: OrgState;
  counters: Counters;
  tokenSecret: Buffer;
  inFlight: InFlight;
}

/**
 * Microsoft Graph on one host: `GET /v1.0/users/{address}/...` and `POST /v1.0/$batch`. Every
 * request takes its places in the per-app-and-mailbox concurrency limit for as long as the host's
 * latency lasts; the places it cannot get are answered 429 ApplicationThrottled. The latency runs from
 * the request's arrival, as EWS's does: reading, admitting and deciding it are part of it.
 */
export async function handleGraph(ctx: GraphContext, server: ServerState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const arrived = performance.now();
  const latency = () => delay(server.knobs.latencyMs - (performance.now() - arrived));
  const body = await readBody(req);
  ctx.counters.graph.httpRequests++;
  const clientRequestId = header(req, "client-request-id");
  const caller = authenticate(ctx, server, req, clientRequestId);
  const authorization = header(req, "authorization");
  if (server.knobs.echoSecrets === "authorization-400" && authorization !== undefined) {
    // A front end that quotes the request back: the Bearer token in Graph's own error message.
    await latency();
    return reply(res, graphError(400, "BadRequest", `The request header Authorization: ${authorization} is not valid here.`, clientRequestId));
  }
  const parsed: Parsed = caller.kind === "refused" ? { kind: "error", reply: caller.reply } : parse(req, path, body, clientRequestId);
  if (parsed.kind === "error" || caller.kind === "refused") {
    await latency();
    if (!answerServerFault(server.knobs, res) && parsed.kind === "error") reply(res, parsed.reply);
    return;
  }
  const items = parsed.kind === "single" ? [parsed.item] : parsed.items;
  if (parsed.kind === "batch") ctx.counters.graph.batches++;
  if (parsed.kind === "batch" && server.knobs.graphThrottleBatches > 0) {
    server.knobs.graphThrottleBatches--;
    ctx.counters.graph.throttled++;
    await latency();
    return reply(res, throttled("TooManyRequests", 1, "Too many requests for this tenant.", clientRequestId));
  }
  const admission = admit(ctx, caller.app.clientId, items, parsed.kind === "batch");
  try {
    const answers = items.map((item): GraphReply => {
      ctx.counters.graph.requests++;
      const answer = admission.throttled.has(item)
        ? throttled("ApplicationThrottled", 1, "Application is over its MailboxConcurrency limit.", item.clientRequestId)
        : item.method !== "GET"
          ? graphError(405, "BadRequest", `The simulator answers GET only, not ${item.method}.`, item.clientRequestId)
          : decideGraph(ctx.org, { host: server.name, app: caller.app, roles: caller.roles, resource: item.resource, ...idOf(item) });
      if (answer.status === 429) ctx.counters.graph.throttled++;
      return answer;
    });
    const answer: GraphReply =
      parsed.kind === "single"
        ? answers[0]!
        : { status: 200, headers: { "Cache-Control": "private" }, body: { responses: shuffle(answers.map((a, i) => (a.malformed ? { id: items[i]!.id, headers: a.headers, body: a.body } : { id: items[i]!.id, status: a.status, headers: a.headers, body: a.body }))) } };
    const payload = JSON.stringify(answer.body);
    await latency();
    if (answerServerFault(server.knobs, res)) return;
    send(res, answer.status, "application/json; charset=utf-8", payload, answer.headers);
  } finally {
    admission.release();
  }
}

const idOf = (item: Item) => (item.clientRequestId === undefined ? {} : { clientRequestId: item.clientRequestId });

type Caller = { kind: "app"; app: OAuthAppSpec; roles: string[] } | { kind: "refused"; reply: GraphReply };

function authenticate(ctx: GraphContext, server: ServerState, req: IncomingMessage, crid: string | undefined): Caller {
  const authorization = header(req, "authorization") ?? "";
  const [scheme = "", token = ""] = authorization.trim().split(/\s+/, 2);
  const refuse = (message: string): Caller => ({
    kind: "refused",
    reply: graphError(401, "InvalidAuthenticationToken", message, crid, {
      "WWW-Authenticate": `Bearer realm="", authorization_uri="https://${ctx.org.loginHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    }),
  });
  if (scheme.toLowerCase() !== "bearer" || token === "") return refuse("Access token is empty.");
  const check = verifyToken(ctx.tokenSecret, token);
  if (!check.ok) return refuse(check.reason === "The token has expired." ? "Lifetime validation failed, the token is expired." : "Access token validation failure.");
  if (check.claims.aud.replace(/\/$/, "").toLowerCase() !== `https://${server.name}`) return refuse("Access token validation failure. Invalid audience.");
  const app = ctx.org.app(check.claims.tid, check.claims.appid);
  if (!app) return refuse("Access token validation failure.");
  return { kind: "app", app, roles: Array.isArray(check.claims.roles) ? check.claims.roles : [] };
}

/**
 * Graph sends up to four items of a batch to the mailbox at once, so a batch asks for min(4, its items
 * for the mailbox) places; a single request asks for one. Items that get no place are throttled.
 */
function admit(ctx: GraphContext, appId: string, items: Item[], batch: boolean): { throttled: Set<Item>; release: () => void } {
  const byMailbox = new Map<string, Item[]>();
  for (const item of items) {
    if (item.resource.kind !== "folder") continue;
    const list = byMailbox.get(item.resource.mailbox) ?? [];
    list.push(item);
    byMailbox.set(item.resource.mailbox, list);
  }
  const throttledItems = new Set<Item>();
  const releases: (() => void)[] = [];
  for (const [mailbox, list] of byMailbox) {
    const wanted = batch ? Math.min(mailboxConcurrencyLimit, list.length) : 1;
    const { admitted, release } = ctx.inFlight.admit(appId, mailbox, wanted);
    releases.push(release, ctx.counters.mailboxInFlight(mailbox, wanted));
    // No place at all throttles every item for the mailbox; fewer places than wanted throttle the last items.
    const over = admitted === 0 ? list : list.slice(list.length - (wanted - admitted));
    for (const item of over) throttledItems.add(item);
  }
  return { throttled: throttledItems, release: () => releases.forEach((r) => r()) };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, answer: GraphReply): void {
  sendJson(res, answer.status, answer.body, answer.headers);
}

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
