import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { constants } from "node:crypto";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { TLSSocket, type SecureContext } from "node:tls";
import type { Counters, UrlProtocol } from "./counters.js";
import type { HostCertificates } from "./pki/host-certs.js";
import type { OrgState } from "./state.js";

export interface Listeners {
  httpsPort: number;
  httpPort: number;
  close(): Promise<void>;
}

export interface ListenerOptions {
  org: OrgState;
  certs: HostCertificates;
  counters: Counters;
  handle(req: IncomingMessage, res: ServerResponse, protocol: UrlProtocol): Promise<void>;
}

type SniCallback = (err: Error | null, ctx?: SecureContext) => void;

/** One https and one plain-http listener on 127.0.0.1 shared by every simulated host. */
export async function startListeners(opts: ListenerOptions): Promise<Listeners> {
  const { org, certs, counters } = opts;
  const sockets = new Set<Socket>();
  const attributed = new WeakSet<Socket>();

  const attribute = (socket: Socket, host: string): void => {
    if (attributed.has(socket)) return;
    attributed.add(socket);
    const server = org.server(host);
    const release = counters.attributeConnection(host, server?.group ?? host);
    socket.once("close", release);
  };

  const fallback = certs.issued("localhost", "valid");
  const https = createHttpsServer({
    key: fallback.keyPem,
    cert: fallback.certPem,
    // Options of the first context stick to the connection even after SNI swaps the certificate.
    secureOptions: constants.SSL_OP_NO_TICKET,
    // Node calls the SNI callback as a method of the server-side TLSSocket: it lets a stalled handshake count as a connection of its host.
    SNICallback(this: unknown, servername: string, cb: SniCallback) {
      const host = servername.toLowerCase();
      if (this instanceof TLSSocket) attribute(this, host);
      const server = org.server(host);
      if (server?.knobs.stallHandshake) return;
      cb(null, certs.context(server ? host : "localhost", server?.knobs.certificate ?? "valid"));
    },
  });
  https.on("secureConnection", (socket: TLSSocket) => {
    if (!socket.isSessionReused()) counters.recordHandshake(typeof socket.servername === "string" ? socket.servername.toLowerCase() : "");
  });
  https.on("tlsClientError", () => undefined);

  const http = createHttpServer();
  for (const [server, protocol] of [[https, "https"], [http, "http"]] as const) {
    server.keepAliveTimeout = 15_000;
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      const close = counters.openConnection();
      socket.once("close", () => {
        close();
        sockets.delete(socket);
      });
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const host = (req.headers.host ?? "").toLowerCase().replace(/:\d+$/, "");
      attribute(req.socket, host);
      opts.handle(req, res, protocol).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(`simulator error: ${String(err)}\n`);
        } else res.destroy();
      });
    });
  }

  const listen = (s: Server): Promise<number> =>
    new Promise((resolve, reject) => {
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port));
    });
  const [httpsPort, httpPort] = [await listen(https), await listen(http)];

  return {
    httpsPort,
    httpPort,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([https, http].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
