import type { z } from "zod";
import { retryAfter } from "../net/index.js";
import { clip } from "../diagnosis/text.js";
import type { Failure } from "../model/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { headerValue, ProfileConnections, type HttpReply, type NetworkSettings, type Timeouts } from "../net/index.js";
import { redactFailure, type Redact } from "../diagnosis/redact.js";
import type { TokenCache } from "../auth/oauth.js";
import { SecretBook } from "../auth/secret-book.js";
import { dataverseFailure, fromNetwork, remediations, type DataverseContext } from "./failures.js";
import { dataverseToken, forgetDataverseToken, principalOf, type DataverseIdentity } from "./token.js";
import { checkRecord, collectionPage, errorBody } from "./wire.js";

export const apiPath = "/api/data/v9.2/";
/** Dataverse ignores larger page sizes. */
export const maxPageSize = 5000;

export interface ThrottlePolicy {
  /** 429 answers retried per request. */
  maxRetries: number;
  /** The longest single Retry-After the client waits; a longer one ends the read with server-busy. */
  maxWaitMs: number;
}

export interface DataverseClientOptions {
  /** The environment URL (origin only), e.g. https://contoso.crm.dynamics.com. */
  environment: string;
  identity: DataverseIdentity;
  authorityHost: string;
  conns: ProfileConnections;
  /** The app context's access tokens (a managed identity's are kept by @azure/identity instead). */
  tokens: TokenCache;
  /** Prefer: odata.maxpagesize (at most 5000). */
  pageSize?: number;
  throttle?: Partial<ThrottlePolicy>;
  /** The token scope; by default the environment URL + /.default. Tests point it elsewhere. */
  scope?: string;
  /** How the client waits out a Retry-After (tests may count instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
  /** The most one collection read takes (defaults: `readLimits`). */
  limits?: Partial<ReadLimits>;
}

export interface ReadLimits {
  maxPages: number;
  maxRecords: number;
}

export interface CollectionQuery {
  select: readonly string[];
  filter?: string;
  orderBy?: string;
  /** At most this many records (the first by `orderBy`). */
  top?: number;
}

/** The records of a collection that passed validation, and those that did not (with their reasons). */
export interface CollectionRead<T> {
  records: T[];
  invalid: { id: string; reason: string }[];
  pages: number;
}

const defaultThrottle: ThrottlePolicy = { maxRetries: 5, maxWaitMs: 120_000 };
/**
 * The most a collection read takes: far above what an environment holds (100,000 mailboxes are 20 pages of 5,000),
 * low enough that a server paging without end, or with a page per record, ends the read rather than the memory.
 */
export const readLimits: ReadLimits = { maxPages: 2_000, maxRecords: 200_000 };

/** Connections for reading Dataverse: a few sockets, a large body cap (a page of 5,000 mailboxes is several MB). */
export function dataverseConnections(network: NetworkSettings, timeouts?: Partial<Timeouts>): ProfileConnections {
  return new ProfileConnections({ maxConnections: 4, network, timeouts: { headersMs: 60_000, totalMs: 120_000, ...timeouts }, maxBodyBytes: 64 * 1024 * 1024 });
}

/**
 * Read-only OData client of the Dataverse Web API: Bearer token for the environment, paging with
 * `Prefer: odata.maxpagesize` and `@odata.nextLink` (never $skip), 429 retried after Retry-After within bounds,
 * every answer validated, every failure classified. The token is sent to the environment's origin only.
 */
export class DataverseClient {
  readonly #options: DataverseClientOptions;
  readonly #ctx: DataverseContext;
  /** The client secret and every token sent, redacted from any failure (one book per client, never global). */
  readonly #secrets: SecretBook;
  readonly #throttle: ThrottlePolicy;
  readonly #pageSize: number;
  /** HTTP requests sent to the environment (retries included, token requests not). */
  requests = 0;
  /** 429 answers waited out. */
  throttled = 0;

  constructor(options: DataverseClientOptions) {
    this.#options = options;
    this.#ctx = { environment: options.environment, principal: principalOf(options.identity) };
    this.#secrets = new SecretBook(options.identity.kind === "client-secret" ? [options.identity.secret.reveal()] : []);
    this.#throttle = { ...defaultThrottle, ...options.throttle };
    this.#pageSize = Math.min(maxPageSize, Math.max(1, options.pageSize ?? maxPageSize));
  }

  get context(): DataverseContext {
    return this.#ctx;
  }

  /** Every record of a collection, page by page; each record validated on its own. */
  async readAll<T>(entitySet: string, query: CollectionQuery, schema: z.ZodType<T>, key: string): Promise<Outcome<CollectionRead<T>>> {
    const read: CollectionRead<T> = { records: [], invalid: [], pages: 0 };
    let rows = 0;
    let url: string | undefined = this.#collectionUrl(entitySet, query);
    const seen = new Set<string>();
    const ids = new Set<string>();
    const limits = { ...readLimits, ...this.#options.limits };
    const tooMuch = (code: string, message: string) => fail(dataverseFailure("invalid-response", { code, message: `${entitySet}: ${message}`, transient: false }, remediations.invalidResponse(this.#ctx)));
    while (url !== undefined) {
      if (seen.has(url)) return tooMuch("PAGING_LOOP", "the next-page links repeat");
      if (read.pages >= limits.maxPages) return tooMuch("TOO_MANY_PAGES", `more than ${limits.maxPages} pages (${read.records.length} records so far); the read stops there`);
      seen.add(url);
      const page = await this.#getJson(url, true);
      if (!page.ok) return page;
      const parsed = collectionPage.safeParse(page.value.json);
      if (!parsed.success) return fail(this.#invalid(page.value.reply, `${entitySet}: the page is not an OData collection (${parsed.error.issues[0]?.message ?? "?"})`));
      read.pages += 1;
      rows += parsed.data.value.length;
      for (const raw of parsed.data.value) {
        const check = checkRecord(schema, key, raw);
        if (!check.ok) {
          read.invalid.push({ id: check.id, reason: `${entitySet}: ${check.reason}` });
          continue;
        }
        // A record that moved while the pages were read can come twice: the first copy is kept.
        const id = String((check.record as Record<string, unknown>)[key]).toLowerCase();
        if (ids.has(id)) read.invalid.push({ id, reason: `${entitySet}: the record came twice while the pages were read; its first copy is kept` });
        else {
          ids.add(id);
          read.records.push(check.record);
        }
      }
      // Every row counts, duplicates and invalid ones too: they are held as well.
      if (rows > limits.maxRecords) return tooMuch("TOO_MANY_RECORDS", `more than ${limits.maxRecords} records; the read stops there`);
      const next = parsed.data["@odata.nextLink"];
      if (next !== undefined && !this.#sameOrigin(next)) {
        return fail(this.#invalid(page.value.reply, `${entitySet}: the next-page link leads outside ${this.#options.environment}; the token is not sent there`));
      }
      url = next;
    }
    return succeed(read);
  }

  /** One record by key, or undefined when Dataverse has none (404). */
  async readOne<T>(entitySet: string, id: string, select: readonly string[], schema: z.ZodType<T>, key: string): Promise<Outcome<T | undefined>> {
    const url = `${this.#options.environment}${apiPath}${entitySet}(${encodeURIComponent(id)})?$select=${encodeURIComponent(select.join(","))}`;
    const answer = await this.#getJson(url, false, [404]);
    if (!answer.ok) return answer;
    if (answer.value.reply.status === 404) return succeed(undefined);
    const check = checkRecord(schema, key, answer.value.json);
    return check.ok ? succeed(check.record) : fail(this.#invalid(answer.value.reply, `${entitySet}(${id}): ${check.reason}`));
  }

  #collectionUrl(entitySet: string, query: CollectionQuery): string {
    const parts = [`$select=${encodeURIComponent(query.select.join(","))}`];
    if (query.filter !== undefined) parts.push(`$filter=${encodeURIComponent(query.filter)}`);
    if (query.orderBy !== undefined) parts.push(`$orderby=${encodeURIComponent(query.orderBy)}`);
    if (query.top !== undefined) parts.push(`$top=${query.top}`);
    return `${this.#options.environment}${apiPath}${entitySet}?${parts.join("&")}`;
  }

  #sameOrigin(url: string): boolean {
    try {
      return new URL(url).origin === new URL(this.#options.environment).origin;
    } catch {
      return false;
    }
  }

  async #getJson(url: string, paged: boolean, accepted: number[] = []): Promise<Outcome<{ reply: HttpReply; json: unknown }>> {
    const scope = this.#options.scope ?? `${this.#options.environment}/.default`;
    for (let attempt = 0; ; attempt++) {
      const token = await dataverseToken(this.#options.conns, this.#options.tokens, this.#options.identity, scope, this.#options.authorityHost, this.#ctx);
      if (!token.ok) return this.#redacted(token.failure);
      this.#secrets.add(token.value);
      const headers: Record<string, string> = {
        accept: "application/json",
        "odata-maxversion": "4.0",
        "odata-version": "4.0",
        authorization: `Bearer ${token.value}`,
      };
      if (paged) headers.prefer = `odata.maxpagesize=${this.#pageSize}`;
      this.requests += 1;
      const sent = await this.#options.conns.request({ url, method: "GET", headers, carriesCredentials: true });
      if (!sent.ok) return this.#redacted(fromNetwork(sent.failure, this.#ctx));
      const reply = sent.value;
      if (reply.status === 429) {
        const waitMs = retryAfter(headerValue(reply.headers, "retry-after"), Date.now()) ?? 2 ** attempt * 1000;
        if (attempt >= this.#throttle.maxRetries || waitMs > this.#throttle.maxWaitMs) return this.#redacted(this.#throttled(reply, waitMs, attempt));
        this.throttled += 1;
        await (this.#options.sleep ?? sleep)(waitMs);
        continue;
      }
      if ((reply.status >= 200 && reply.status < 300) || accepted.includes(reply.status)) {
        if (reply.status === 404) return succeed({ reply, json: undefined });
        try {
          return succeed({ reply, json: JSON.parse(reply.body.toString("utf8")) as unknown });
        } catch {
          return this.#redacted(this.#invalid(reply, `the answer is not JSON (${headerValue(reply.headers, "content-type") ?? "no content type"})`));
        }
      }
      if (reply.status === 401) forgetDataverseToken(this.#options.tokens, this.#options.identity, scope, this.#options.authorityHost, token.value);
      return this.#redacted(this.#statusFailure(reply));
    }
  }
  /** Dataverse's and Entra's words may quote what was sent: the secret and the token never leave in a failure. */
  #redacted(failure: Failure): Outcome<never> {
    return fail(redactFailure(failure, this.#secrets.redact));
  }


  #throttled(reply: HttpReply, waitMs: number, attempt: number): Failure {
    const said = odataError(reply, this.#secrets.redact);
    return dataverseFailure(
      "server-busy",
      { code: said?.code ?? "429", message: `HTTP 429 from ${this.#ctx.environment} after ${attempt} retries, asked to wait ${Math.round(waitMs / 1000)} s${said ? `: ${said.message}` : ""}`, retryAfterMs: waitMs },
      remediations.throttled(),
    );
  }

  #invalid(reply: HttpReply, message: string): Failure {
    return dataverseFailure("invalid-response", { code: String(reply.status), message: `${this.#ctx.environment}: ${message}`, transient: true }, remediations.invalidResponse(this.#ctx));
  }

  #statusFailure(reply: HttpReply): Failure {
    // Redacted before clipping: a secret cut in two by the clip would escape the redaction after it.
    const said = odataError(reply, this.#secrets.redact);
    const words = said ? `: ${said.code} ${said.message}` : "";
    const where = `${this.#ctx.environment} answered HTTP ${reply.status}`;
    if (reply.status === 401) {
      const challenge = headerValue(reply.headers, "www-authenticate") ?? "";
      const description = this.#secrets.redact(/error_description="([^"]*)"/i.exec(challenge)?.[1] ?? "");
      const audience = /audience/i.test(description);
      return dataverseFailure(
        "auth-failed",
        { code: audience ? "401-audience" : "401", message: clip(`${where}: the token was refused${description ? ` (${description})` : ""}${words}`, 600), transient: false },
        audience ? remediations.wrongAudience(this.#ctx) : remediations.tokenRefused(this.#ctx),
      );
    }
    if (reply.status === 403) {
      const notMember = said?.code.toLowerCase() === "0x80072560" || /not a member of the organization/i.test(said?.message ?? "");
      return notMember
        ? dataverseFailure("auth-failed", { code: said?.code ?? "403", message: `${where}${words}`, transient: false }, remediations.notApplicationUser(this.#ctx))
        : dataverseFailure("access-denied", { code: said?.code ?? "403", message: `${where}${words}`, transient: false }, remediations.missingPrivilege(this.#ctx));
    }
    return dataverseFailure("http-status", { code: said?.code ?? String(reply.status), message: clip(`${where}${words}`, 600), transient: reply.status >= 500 }, remediations.httpStatus(this.#ctx));
  }
}

function odataError(reply: HttpReply, redact: Redact): { code: string; message: string } | undefined {
  try {
    const parsed = errorBody.safeParse(JSON.parse(reply.body.toString("utf8")));
    return parsed.success ? { code: clip(redact(parsed.data.error.code), 100), message: clip(redact(parsed.data.error.message), 300) } : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
