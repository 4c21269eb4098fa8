import type { TokenCredentialOptions } from "@azure/identity";
import { credentialHostRefused } from "../diagnosis/failure.js";
import type { Failure } from "../model/failure.js";
import type { ProfileConnections } from "../net/connections.js";
import type { HttpMethod } from "../net/types.js";
import { judgeTokenAnswer } from "./token-answer.js";

type IdentityHttpClient = NonNullable<TokenCredentialOptions["httpClient"]>;
type PipelineRequest = Parameters<IdentityHttpClient["sendRequest"]>[0];
type PipelineResponse = Awaited<ReturnType<IdentityHttpClient["sendRequest"]>>;
type HttpHeaders = PipelineResponse["headers"];

/** Response headers in the shape @azure/core-rest-pipeline expects (case-insensitive). */
class ReplyHeaders implements HttpHeaders {
  readonly #values = new Map<string, string>();

  constructor(headers: Record<string, string | string[]>) {
    for (const [name, value] of Object.entries(headers)) this.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }
  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.#values.set(name.toLowerCase(), String(value));
  }
  delete(name: string): void {
    this.#values.delete(name.toLowerCase());
  }
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
  [Symbol.iterator](): Iterator<[string, string]> {
    return this.#values.entries();
  }
}

/** Raised to @azure/identity when the network failed; the classified failure is kept for the caller. */
export class TokenNetworkError extends Error {
  readonly code: string;
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = "TokenNetworkError";
    this.code = failure.code;
  }
}

/**
 * The HttpClient given to @azure/identity: token requests go through the profile's own network
 * settings (DNS_SERVERS, TRUSTED_CA_FILE, connect-to), its budget, timeouts and size cap, and
 * only over https. `lastFailure` tells why a token could not be fetched when the network, or an answer refused
 * before the library reads it (a busy Entra, a 200 without a token: see tokenAnswerRefusal), was the cause.
 */
export class ProfileIdentityHttpClient implements IdentityHttpClient {
  lastFailure: Failure | undefined;

  constructor(
    private readonly conns: ProfileConnections,
    /** The only hosts a request with a body (the app's secret or assertion) may go to; any host when not given. */
    private readonly tokenHosts?: readonly string[],
  ) {}

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    if (request.body !== undefined && request.body !== null && typeof request.body !== "string") {
      throw new Error("only text request bodies are supported for token requests");
    }
    const host = new URL(request.url).hostname.toLowerCase();
    if (this.tokenHosts !== undefined && typeof request.body === "string" && request.body !== "" && !this.tokenHosts.includes(host)) {
      const refused = credentialHostRefused({
        what: "The token request (with the app's secret or certificate assertion)",
        where: host,
        whose: "the authority's",
        allowed: this.tokenHosts,
        context: { host },
      });
      this.lastFailure = refused;
      throw new TokenNetworkError(refused);
    }
    const reply = await this.conns.request({
      url: request.url,
      method: request.method as HttpMethod,
      headers: request.headers.toJSON(),
      body: request.body ?? undefined,
      carriesCredentials: true,
      timeouts: request.timeout > 0 ? { totalMs: request.timeout } : undefined,
      signal: toAbortSignal(request.abortSignal),
    });
    if (!reply.ok) {
      this.lastFailure = reply.failure;
      throw new TokenNetworkError(reply.failure);
    }
    const { status, headers } = reply.value;
    const bodyAsText = reply.value.body.toString("utf8");
    const judged = judgeTokenAnswer({ host, status, headers, body: bodyAsText, tokenRequest: typeof request.body === "string" && request.body !== "" });
    // What the last answer said: a busy one the library retries, and gives up on, is reported as busy.
    this.lastFailure = judged.kind === "hand-on" ? undefined : judged.failure;
    if (judged.kind === "refused" || (judged.kind === "busy" && !judged.waitInLine)) throw new TokenNetworkError(judged.failure);
    return { request, status, headers: new ReplyHeaders(headers), bodyAsText };
  }
}

function toAbortSignal(like: PipelineRequest["abortSignal"]): AbortSignal | undefined {
  if (!like) return undefined;
  const controller = new AbortController();
  if (like.aborted) controller.abort();
  else like.addEventListener("abort", () => controller.abort(), { once: true });
  return controller.signal;
}
