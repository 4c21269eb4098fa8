import type { SrvRecord } from "node:dns";
import type net from "node:net";
import tls from "node:tls";
import { Client, Pool, type Dispatcher } from "undici";
import type { CertificateReport } from "../model/connection.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { SocketBudget } from "./budget.js";
import { reportFromSocket } from "./certificates.js";
import { openSocket, sharedSecureContext, undiciConnector, type ConnectorDeps, type Target } from "./connector.js";
import { classifyError } from "./errors.js";
import { createHostResolver } from "./resolver.js";
import { checkUrl, send, type SendSettings } from "./send.js";
import { defaultMaxBodyBytes, defaultTimeouts, type ConnectionsOptions, type ConnectionStats, type HttpReply, type HttpRequest, type Timeouts } from "./types.js";

/** One undici client (one socket at a time) and the socket it has now. */
interface ClientRecord {
  key: string;
  client: Client;
  socket?: net.Socket;
  /** A session's client: never reclaimed, its socket carries a handshake. */
  pinned: boolean;
}

/** A single kept-alive connection to one origin, for handshakes that must not hop sockets (NTLM). */
export interface ConnectionSession {
  readonly origin: string;
  request(request: HttpRequest): Promise<Outcome<HttpReply>>;
  /** Connections opened so far: 1 as long as the server kept the first one alive. */
  connectionsOpened(): number;
  close(): Promise<void>;
}

/**
 * The HTTP layer of one profile's probe cycle: one keep-alive pool per origin, all drawing sockets
 * from one budget of maxConnections (invariant 4). Idle sockets are closed as soon as another origin
 * waits for a place (see SocketBudget), otherwise after keepAliveMs.
 */
export class ProfileConnections {
  readonly #budget: SocketBudget;
  readonly #deps: ConnectorDeps;
  readonly #settings: SendSettings;
  readonly #maxConnections: number;
  readonly #keepAliveMs: number;
  readonly #pools = new Map<string, Pool>();
  readonly #records = new Set<ClientRecord>();
  readonly #certificates = new Map<string, CertificateReport>();
  readonly #handshakes = new Map<string, number>();
  readonly #inspections = new Map<string, Promise<void>>();

  constructor(options: ConnectionsOptions) {
    this.#maxConnections = options.maxConnections;
    this.#keepAliveMs = options.keepAliveMs ?? 4000;
    this.#settings = { timeouts: { ...defaultTimeouts, ...options.timeouts }, maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes };
    this.#budget = new SocketBudget(options.maxConnections, (except) => this.#reclaimIdle(except));
    const extra = options.network.extraCaPem?.trim();
    this.#deps = {
      budget: this.#budget,
      resolver: createHostResolver(options.network.dnsServers),
      network: options.network,
      secureContext: sharedSecureContext(extra || undefined),
      connectTimeoutMs: this.#settings.timeouts.connectMs,
      onHandshake: (origin) => this.#handshakes.set(origin, (this.#handshakes.get(origin) ?? 0) + 1),
      onCertificate: (report) => this.#certificates.set(report.host, report),
      inspect: (target) => this.#inspect(target),
    };
  }

  /** The timeouts every request gets unless it sets its own. */
  get timeouts(): Readonly<Timeouts> {
    return this.#settings.timeouts;
  }

  async request(request: HttpRequest): Promise<Outcome<HttpReply>> {
    const url = checkUrl(request);
    if (!url.ok) return url;
    return send(this.#pool(url.value.origin), url.value, request, this.#settings);
  }

  /** A pinned single connection to the origin of `url`; requests to another origin are refused. */
  openSession(url: string): Outcome<ConnectionSession> {
    const checked = checkUrl({ url, method: "POST", carriesCredentials: true });
    if (!checked.ok) return checked;
    const origin = checked.value.origin;
    let opened = 0;
    const record = this.#client(origin, `${origin}#session`, true, { pipelining: 1, keepAliveTimeout: this.#settings.timeouts.totalMs });
    record.client.on("connect", () => (opened += 1));
    return succeed({
      origin,
      request: async (request) => {
        const target = checkUrl(request);
        if (!target.ok) return target;
        if (target.value.origin !== origin) return fail(classifyError(new Error(`a session to ${origin} cannot send to ${target.value.origin}`), request.method ?? "GET", target.value));
        return send(record.client, target.value, request, this.#settings);
      },
      connectionsOpened: () => opened,
      close: async () => {
        this.#records.delete(record);
        await record.client.close().catch(() => undefined);
      },
    });
  }

  /** SRV records through the same DNS servers as every other lookup. */
  async resolveSrv(name: string): Promise<Outcome<SrvRecord[]>> {
    try {
      return succeed(await this.#deps.resolver.resolveSrv(name));
    } catch (error) {
      return fail(classifyError(error, "SRV", new URL(`dns://${name}`)));
    }
  }

  /** The certificate of every host contacted over https (the latest connection's view). */
  certificates(): CertificateReport[] {
    return [...this.#certificates.values()];
  }

  stats(): ConnectionStats {
    return { peakSockets: this.#budget.peak, openSockets: this.#budget.inUse, handshakes: Object.fromEntries(this.#handshakes) };
  }

  async close(): Promise<void> {
    this.#budget.close();
    const dispatchers: Dispatcher[] = [...this.#pools.values(), ...[...this.#records].filter((r) => r.pinned).map((r) => r.client)];
    await Promise.all(dispatchers.map((d) => d.destroy().catch(() => undefined)));
    this.#pools.clear();
    this.#records.clear();
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.#maxConnections,
        pipelining: 1,
        keepAliveTimeout: this.#keepAliveMs,
        keepAliveMaxTimeout: this.#keepAliveMs,
        factory: (_o, opts) => this.#client(origin, origin, false, opts as Client.Options).client,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  #client(origin: string, key: string, pinned: boolean, opts: Client.Options): ClientRecord {
    const record: ClientRecord = { key, pinned, client: undefined as unknown as Client };
    const connect = undiciConnector(this.#deps, key, (socket) => {
      record.socket = socket;
      socket.once("close", () => {
        if (record.socket === socket) delete record.socket;
      });
    });
    record.client = new Client(origin, { ...opts, connect });
    // Registered before the pool's own drain listener: give the socket up before the pool reuses it.
    record.client.on("drain", () => this.#giveUpIfWanted(record));
    record.client.on("connectionError", () => this.#records.delete(record));
    this.#records.add(record);
    return record;
  }

  #isIdle(record: ClientRecord): boolean {
    return !record.pinned && record.socket !== undefined && !record.socket.destroyed && record.client.stats.size === 0;
  }

  /**
   * Runs when a client finished its requests, before its pool hands it the next one. If another
   * origin waits for a place, the socket is given up when its own pool has nothing queued, or when
   * its origin holds more than a fair share (the budget divided among the origins in use); a fair
   * share is kept while the pool is busy, so two busy origins settle instead of trading sockets after
   * every request. Callers that use several origins in turn pay a handshake per switch, which is why
   * the probe works through its mailboxes one host at a time (lib/engine/check-mailboxes.ts).
   */
  #giveUpIfWanted(record: ClientRecord): void {
    if (!this.#isIdle(record)) return;
    const waiting = this.#budget.waitingOrigins();
    if (!waiting.some((key) => key !== record.key)) return;
    const queued = this.#pools.get(record.key)?.stats.queued ?? 0;
    if (queued === 0 || this.#held(record.key) > this.#fairShare(waiting)) record.socket?.destroy();
  }

  #held(key: string): number {
    let held = 0;
    for (const r of this.#records) if (r.key === key && r.socket && !r.socket.destroyed) held += 1;
    return held;
  }

  #fairShare(waiting: string[]): number {
    const active = new Set(waiting);
    for (const r of this.#records) if (r.socket && !r.socket.destroyed) active.add(r.key);
    return Math.ceil(this.#budget.limit / Math.max(1, active.size));
  }

  #reclaimIdle(exceptKey: string): void {
    for (const record of this.#records) {
      if (record.key !== exceptKey && this.#isIdle(record)) {
        record.socket?.destroy();
        return;
      }
    }
  }

  #inspect(target: Target): Promise<void> {
    const id = `${target.hostname}:${target.port}`;
    let inspection = this.#inspections.get(id);
    if (!inspection) {
      inspection = openSocket(this.#deps, { ...target, key: `${target.key}#inspect` }, false).then(
        (socket) => {
          const report = socket instanceof tls.TLSSocket ? reportFromSocket(target.hostname, socket) : undefined;
          if (report) this.#certificates.set(report.host, report);
          socket.destroy();
        },
        () => undefined,
      );
      this.#inspections.set(id, inspection);
    }
    return inspection;
  }
}
