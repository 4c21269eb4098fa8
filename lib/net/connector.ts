import net from "node:net";
import tls from "node:tls";
import { errors, type buildConnector } from "undici";
import type { CertificateReport } from "../model/connection.js";
import type { SocketBudget } from "./budget.js";
import { isCertificateErrorCode, reportFromSocket } from "./certificates.js";
import type { HostResolver } from "./resolver.js";
import type { NetworkSettings } from "./types.js";

/** One origin to connect to; `key` is whose turn it is in the budget (an origin, or a session of it). */
export interface Target {
  protocol: "http:" | "https:";
  hostname: string;
  port: number;
  key: string;
}

export interface ConnectorDeps {
  budget: SocketBudget;
  resolver: HostResolver;
  network: NetworkSettings;
  /** Node's roots, plus TRUSTED_CA_FILE when set: built once and shared by every connection. */
  secureContext: tls.SecureContext;
  connectTimeoutMs: number;
  onHandshake(origin: string): void;
  onCertificate(report: CertificateReport): void;
  /** Called once a verified connection failed on its certificate, before the error is passed on. */
  inspect(target: Target): Promise<void>;
}

export function originOf(target: Pick<Target, "protocol" | "hostname" | "port">): string {
  const host = net.isIPv6(target.hostname) ? `[${target.hostname}]` : target.hostname;
  return `${target.protocol}//${host}:${target.port}`;
}

/**
 * Opens one socket inside the budget: resolves the name, then takes a place, and gives it back when
 * the socket closes. DNS, and TCP with TLS, each must finish within connectTimeoutMs (waiting for a
 * place is bounded by the request's total deadline instead). TLS never resumes a session, so the
 * peer certificate is always there to read. With verify false (certificate inspection) nothing is
 * rejected and the server name is not checked here.
 */
export async function openSocket(deps: ConnectorDeps, target: Target, verify: boolean): Promise<net.Socket> {
  const redirected = deps.network.connectTo?.(target.hostname, target.port) ?? {};
  const timedOut = (): Error =>
    new errors.ConnectTimeoutError(`connecting to ${originOf(target)} took longer than ${deps.connectTimeoutMs} ms`);
  const { address } = await withTimeout(deps.resolver.lookup(redirected.host ?? target.hostname), deps.connectTimeoutMs, timedOut);
  const port = redirected.port ?? target.port;
  const release = await deps.budget.acquire(target.key);
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = target.protocol === "https:" ? connectTls(deps, target, address, port, verify) : net.connect({ host: address, port });
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.off("error", finish);
      if (error) {
        socket.on("error", () => undefined).destroy();
        reject(error);
        return;
      }
      if (target.protocol === "https:") deps.onHandshake(originOf(target));
      resolve(socket);
    };
    const timer = setTimeout(() => finish(timedOut()), deps.connectTimeoutMs);
    // Given back one turn of the event loop after the close, so the FIN goes out before the next SYN.
    socket.once("close", () => setImmediate(release));
    socket.on("error", finish);
    socket.once(target.protocol === "https:" ? "secureConnect" : "connect", () => finish());
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

const contexts = new Map<string, tls.SecureContext>();

/**
 * A TLS context per set of trusted CAs, made once: building one parses every root certificate (about 10 ms of CPU
 * and most of a megabyte each time), so a context per connection would dominate a probe cycle. Sharing it does not
 * resume sessions: Node's client only resumes a session it is handed explicitly.
 */
export function sharedSecureContext(extraCaPem: string | undefined): tls.SecureContext {
  const key = extraCaPem ?? "";
  let context = contexts.get(key);
  if (context === undefined) {
    context = tls.createSecureContext(extraCaPem ? { ca: [...tls.rootCertificates, extraCaPem] } : {});
    contexts.set(key, context);
  }
  return context;
}

function connectTls(deps: ConnectorDeps, target: Target, address: string, port: number, verify: boolean): tls.TLSSocket {
  return tls.connect({
    host: address,
    port,
    servername: net.isIP(target.hostname) ? undefined : target.hostname,
    secureContext: deps.secureContext,
    rejectUnauthorized: verify,
    checkServerIdentity: verify ? (_name, cert) => tls.checkServerIdentity(target.hostname, cert) : () => undefined,
    ALPNProtocols: ["http/1.1"],
  });
}

/** The undici connector of one client: budget, DNS, connect-to, CA, certificate report, inspection on failure. */
export function undiciConnector(deps: ConnectorDeps, key: string, onSocket: (socket: net.Socket) => void): buildConnector.connector {
  return (options, callback) => {
    const protocol = options.protocol === "http:" ? "http:" : "https:";
    const port = Number(options.port) || (protocol === "https:" ? 443 : 80);
    const target: Target = { protocol, hostname: options.hostname, port, key };
    openSocket(deps, target, true).then(
      (socket) => {
        socket.setNoDelay(true);
        if (socket instanceof tls.TLSSocket) {
          const report = reportFromSocket(target.hostname, socket);
          if (report) deps.onCertificate(report);
        }
        onSocket(socket);
        callback(null, socket);
      },
      async (error: Error & { code?: string }) => {
        if (protocol === "https:" && isCertificateErrorCode(error.code)) await deps.inspect(target).catch(() => undefined);
        callback(error, null);
      },
    );
  };
}
