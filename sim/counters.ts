/** What tests and benchmarks assert on. Everything is reset by `reset()`. */

export type UrlProtocol = "http" | "https";

export interface RequestRecord {
  host: string;
  method: string;
  path: string;
  protocol: UrlProtocol;
  /** When it arrived (`performance.now()` of the simulator's process). */
  at?: number;
}

/** A request that carried credentials: an Authorization header, or a client secret/assertion in a token request. */
export interface CredentialRecord {
  host: string;
  path: string;
  protocol: UrlProtocol;
  /** Authorization scheme as sent (Basic, NTLM, Negotiate, Bearer, ...) or client_secret / client_assertion. */
  scheme: string;
}

export interface Gauge {
  current: number;
  peak: number;
}

/** What the Graph service saw: HTTP requests to it, $batch envelopes, requests answered (batch items and single requests), 429s. */
export interface GraphCounts {
  httpRequests: number;
  batches: number;
  requests: number;
  throttled: number;
}

export class Counters {
  readonly requests: RequestRecord[] = [];
  readonly graph: GraphCounts = { httpRequests: 0, batches: 0, requests: 0, throttled: 0 };
  private readonly mailboxes = new Map<string, Gauge>();
  readonly credentials: CredentialRecord[] = [];
  private readonly handshakes = new Map<string, number>();
  private readonly overall: Gauge = { current: 0, peak: 0 };
  private readonly groups = new Map<string, Gauge>();
  private readonly hosts = new Map<string, Gauge>();

  /** Requests, optionally only those to `host` and/or whose path (without query) equals `path`, case-insensitively. */
  requestCount(host?: string, path?: string): number {
    return this.requests.filter(
      (r) => (host === undefined || r.host === host.toLowerCase()) && (path === undefined || r.path.toLowerCase() === path.toLowerCase()),
    ).length;
  }

  /** Credential-carrying requests that went over plain http, or to a host outside `allowedHosts` when given. */
  leakedCredentials(allowedHosts?: string[]): CredentialRecord[] {
    const allowed = allowedHosts?.map((h) => h.toLowerCase());
    return this.credentials.filter((c) => c.protocol === "http" || (allowed !== undefined && !allowed.includes(c.host)));
  }

  /** New (not resumed) TLS sessions, for one host or overall. */
  tlsHandshakes(host?: string): number {
    if (host !== undefined) return this.handshakes.get(host.toLowerCase()) ?? 0;
    let total = 0;
    for (const n of this.handshakes.values()) total += n;
    return total;
  }

  /** Open connections now and at most; per group (org) or per host when named. */
  connections(scope?: { group: string } | { host: string }): Gauge {
    const g = scope === undefined ? this.overall : "group" in scope ? this.groups.get(scope.group) : this.hosts.get(scope.host.toLowerCase());
    return g ? { ...g } : { current: 0, peak: 0 };
  }

  /** Graph requests for one mailbox in flight now and at most (all apps together), counting what clients asked for, throttled or not. */
  mailboxConcurrency(address: string): Gauge {
    const g = this.mailboxes.get(address.toLowerCase());
    return g ? { ...g } : { current: 0, peak: 0 };
  }

  /** The highest per-mailbox peak over every mailbox. */
  peakMailboxConcurrency(): number {
    let peak = 0;
    for (const g of this.mailboxes.values()) peak = Math.max(peak, g.peak);
    return peak;
  }

  reset(): void {
    this.requests.length = 0;
    Object.assign(this.graph, { httpRequests: 0, batches: 0, requests: 0, throttled: 0 });
    for (const g of this.mailboxes.values()) g.peak = g.current;
    this.credentials.length = 0;
    this.handshakes.clear();
    for (const g of [this.overall, ...this.groups.values(), ...this.hosts.values()]) g.peak = g.current;
  }

  // --- fed by the listeners ---

  recordRequest(r: RequestRecord): void {
    this.requests.push(r);
  }

  recordCredential(c: CredentialRecord): void {
    this.credentials.push(c);
  }

  recordHandshake(host: string): void {
    this.handshakes.set(host, (this.handshakes.get(host) ?? 0) + 1);
  }

  /** `n` more Graph requests for the mailbox in flight; returns the function that ends them. */
  mailboxInFlight(address: string, n: number): () => void {
    const g = gauge(this.mailboxes, address.toLowerCase());
    g.current += n;
    if (g.current > g.peak) g.peak = g.current;
    return () => {
      g.current -= n;
    };
  }

  /** Returns the function that closes what it opened. */
  openConnection(): () => void {
    up(this.overall);
    return () => down(this.overall);
  }

  /** Attributes an already open connection to a host and its group until it closes. */
  attributeConnection(host: string, group: string): () => void {
    const h = gauge(this.hosts, host);
    const g = gauge(this.groups, group);
    up(h);
    up(g);
    return () => {
      down(h);
      down(g);
    };
  }
}

function gauge(map: Map<string, Gauge>, key: string): Gauge {
  let g = map.get(key);
  if (!g) map.set(key, (g = { current: 0, peak: 0 }));
  return g;
}

function up(g: Gauge): void {
  g.current++;
  if (g.current > g.peak) g.peak = g.current;
}

function down(g: Gauge): void {
  g.current--;
}
