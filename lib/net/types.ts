/** What a profile's probe cycle needs to reach its servers: DNS_SERVERS, TRUSTED_CA_FILE, and a test's --connect-to. */
export interface NetworkSettings {
  /** "ip" or "ip:port" ("[v6]:port"); when non-empty every lookup (A/AAAA and SRV) goes to these servers. */
  dnsServers: string[];
  /** PEM certificates trusted beside Node's default roots (on-premises CAs). */
  extraCaPem?: string;
  /**
   * Like curl --connect-to: where to open the TCP connection for a host and port. The TLS server name
   * and the Host header stay the real host name.
   */
  connectTo?: (host: string, port: number) => { host?: string; port?: number } | undefined;
}

export interface Timeouts {
  /** DNS lookup, TCP connect and TLS handshake of one connection → connect-timeout. */
  connectMs: number;
  /** From the request being sent to the response headers → timeout. */
  headersMs: number;
  /** Longest silence between two chunks of the body → timeout. */
  bodyMs: number;
  /** Whole request, waiting for a connection included → timeout. */
  totalMs: number;
}

export const defaultTimeouts: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, totalMs: 60_000 };

export const defaultMaxBodyBytes = 1024 * 1024;

export interface ConnectionsOptions {
  /** The profile's Maximum Concurrent Connections: open sockets across all its origins never exceed it. */
  maxConnections: number;
  network: NetworkSettings;
  timeouts?: Partial<Timeouts>;
  /** Response size cap, after decoding (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long an idle kept-alive socket stays open when nobody else needs the budget (default 4 s). */
  keepAliveMs?: number;
}

export type HttpMethod = "GET" | "POST" | "HEAD" | "PUT" | "DELETE" | "OPTIONS";

export interface HttpRequest {
  url: string;
  method?: HttpMethod;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * The request carries a secret (a password in the body, a token): it is refused unless https.
   * A request with an Authorization header is treated the same way without saying so.
   */
  carriesCredentials?: boolean;
  timeouts?: Partial<Timeouts>;
  signal?: AbortSignal;
}

export interface HttpReply {
  url: string;
  status: number;
  /** Lower-case names; a header sent several times (www-authenticate) is a string[]. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  elapsedMs: number;
}

export interface ConnectionStats {
  /** The most sockets open at the same time, across all origins. */
  peakSockets: number;
  openSockets: number;
  /** Full TLS handshakes per origin ("https://host:port"). */
  handshakes: Record<string, number>;
}

/** A header value as one string, the first one if it was sent several times. */
export function headerValue(headers: HttpReply["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a header, each repetition a separate entry. */
export function headerValues(headers: HttpReply["headers"], name: string): string[] {
  const value = headers[name.toLowerCase()];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
