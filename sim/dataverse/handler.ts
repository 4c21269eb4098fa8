import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyToken } from "../auth/tokens.js";
import { delay, send, sendJson } from "../http/io.js";
import { matches, parseQuery, skipToken, type ODataQuery } from "./query.js";
import { entitySetNames, entitySets, type DataverseState, type EntitySetName } from "./state.js";

/** Dataverse's answer to `Prefer: odata.maxpagesize=N`: larger values are ignored, 5,000 is the most. */
const maxPageSize = 5000;
const apiRoot = "/api/data/v9.2/";

function odataError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, { "OData-Version": "4.0", ...headers });
}

type Access = { ok: true } | { ok: false; answer: (res: ServerResponse) => void };

/** Bearer token from the simulator's Entra, for audience https://<host>, of an app registered as an application user. */
function checkAccess(state: DataverseState, tokenSecret: Buffer, req: IncomingMessage): Access {
  const resource = `https://${state.host}/`;
  const unauthorized = (description: string): Access => ({
    ok: false,
    answer: (res) =>
      send(res, 401, "text/plain", "", {
        "WWW-Authenticate": `Bearer error="invalid_token", error_description="${description}", authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=${resource}`,
      }),
  });
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return unauthorized("No bearer token was presented.");
  const check = verifyToken(tokenSecret, match[1]!);
  if (!check.ok) return unauthorized(check.reason);
  if (check.claims.aud.replace(/\/+$/, "").toLowerCase() !== `https://${state.host}`) {
    return unauthorized(`The audience '${check.claims.aud}' is invalid; this environment accepts tokens for https://${state.host}.`);
  }
  if (!state.isApplicationUser(check.claims.appid)) {
    return { ok: false, answer: (res) => odataError(res, 403, "0x80072560", "The user is not a member of the organization.") };
  }
  return { ok: true };
}

function project(row: Record<string, unknown>, select: readonly string[] | undefined, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = { "@odata.etag": `W/"${row.versionnumber ?? 1}"` };
  const columns = select ? [...select, ...(select.includes(key) ? [] : [key])] : Object.keys(row);
  for (const column of columns) out[column] = row[column] ?? null;
  return out;
}

function ordered(rows: Record<string, unknown>[], query: ODataQuery): Record<string, unknown>[] {
  const by = query.orderBy;
  if (!by) return rows;
  const sign = by.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[by.field];
    const y = b[by.field];
    if (x === y) return 0;
    if (x === null || x === undefined) return -sign;
    if (y === null || y === undefined) return sign;
    return (x < y ? -1 : 1) * sign;
  });
}

function pageSizeOf(req: IncomingMessage): number | undefined {
  const prefer = String(req.headers.prefer ?? "");
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  if (!match) return undefined;
  const size = Number(match[1]);
  return size >= 1 && size <= maxPageSize ? size : undefined;
}

function collection(state: DataverseState, set: EntitySetName, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const { entity, key } = entitySets[set];
  const parsed = parseQuery(url.searchParams, state.columns(set), entity);
  if (!parsed.ok) return odataError(res, parsed.status, parsed.code, parsed.message);
  const query = parsed.query;
  let rows = ordered(state.rows(set).filter((r) => matches(r, query.filter)), query);
  if (query.top !== undefined) rows = rows.slice(0, query.top);
  let start = 0;
  if (query.after) {
    const index = rows.findIndex((r) => String(r[key]).toLowerCase() === query.after!.lastId.toLowerCase());
    start = index >= 0 ? Math.max(0, index + 1 - state.knobs.pageOverlap) : Math.min(rows.length, (query.after.page - 1) * (pageSizeOf(req) ?? maxPageSize));
  }
  const requested = pageSizeOf(req);
  const size = requested ?? maxPageSize;
  const page = rows.slice(start, start + size);
  state.counters.pages[set] += 1;
  const selectList = query.select ? `(${query.select.join(",")})` : "";
  const body: Record<string, unknown> = {
    "@odata.context": `https://${state.host}${apiRoot}$metadata#${set}${selectList}`,
    value: page.map((r) => project(r, query.select, key)),
  };
  if (start + size < rows.length && page.length > 0) {
    // Like Dataverse's own links: the caller's query options as sent, then the skip token.
    const kept = url.search.replace(/^\?/, "").split("&").filter((part) => part !== "" && !/^(\$|%24)skiptoken=/i.test(part));
    const pageNumber = (query.after?.page ?? 1) + 1;
    kept.push(`$skiptoken=${encodeURIComponent(skipToken(String(page[page.length - 1]![key]), pageNumber))}`);
    body["@odata.nextLink"] = `https://${state.host}${url.pathname}?${kept.join("&")}`;
  }
  const headers: Record<string, string> = { "OData-Version": "4.0" };
  if (requested !== undefined) headers["Preference-Applied"] = `odata.maxpagesize=${requested}`;
  sendJson(res, 200, body, headers);
}

function single(state: DataverseState, set: EntitySetName, id: string, url: URL, res: ServerResponse): void {
  const { entity, key } = entitySets[set];
  const parsed = parseQuery(url.searchParams, state.columns(set), entity);
  if (!parsed.ok) return odataError(res, parsed.status, parsed.code, parsed.message);
  if (parsed.query.filter.length > 0 || parsed.query.after || parsed.query.top !== undefined) {
    return odataError(res, 400, "0x0", "Only $select applies to a single record.");
  }
  const row = state.row(set, id);
  if (!row) return odataError(res, 404, "0x80040217", `${entity} With Id = ${id} Does Not Exist`);
  const selectList = parsed.query.select ? `(${parsed.query.select.join(",")})` : "";
  sendJson(res, 200, { "@odata.context": `https://${state.host}${apiRoot}$metadata#${set}${selectList}/$entity`, ...project(row, parsed.query.select, key) }, { "OData-Version": "4.0" });
}

/** Answers one request to the environment's host (read-only: GET of the four entity sets). */
export async function handleDataverse(state: DataverseState, tokenSecret: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.counters.requests += 1;
  await delay(state.knobs.latencyMs);
  req.resume();
  const url = new URL(req.url ?? "/", `https://${state.host}`);
  if (!url.pathname.startsWith(apiRoot)) return odataError(res, 404, "0x8006088a", `Resource not found for the segment '${url.pathname}'.`);
  const access = checkAccess(state, tokenSecret, req);
  if (!access.ok) return access.answer(res);
  if (state.knobs.throttleNext > 0) {
    state.knobs.throttleNext -= 1;
    state.counters.throttled += 1;
    return odataError(res, 429, "0x80072322", "Number of requests exceeded the limit of 6000 over time window of 300 seconds.", {
      "Retry-After": String(state.knobs.retryAfterSeconds),
    });
  }
  if (state.knobs.echoAuthorizationNext > 0) {
    state.knobs.echoAuthorizationNext -= 1;
    return odataError(res, 500, "0x80040216", `An unexpected error occurred for the request with Authorization: ${req.headers.authorization ?? ""}`);
  }
  if (req.method !== "GET") return odataError(res, 405, "0x80060888", "The Dataverse simulator is read-only: only GET is implemented.");
  const segment = decodeURIComponent(url.pathname.slice(apiRoot.length));
  const match = /^([a-z]+)(?:\(([0-9a-fA-F-]{36})\))?$/.exec(segment);
  const set = entitySetNames.find((name) => name === match?.[1]);
  if (!match || !set) return odataError(res, 404, "0x8006088a", `Resource not found for the segment '${segment}'.`);
  if (match[2] !== undefined) return single(state, set, match[2], url, res);
  return collection(state, set, url, req, res);
}
