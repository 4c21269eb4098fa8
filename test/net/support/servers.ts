import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { IssuedCertificate } from "./certs.js";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * Counts seen on the server side: the truth about what the client did. A connection stops counting
 * when the client's FIN arrives ('end') or the socket closes, whichever the server sees first.
 */
export class SocketCounter {
  open = 0;
  peak = 0;
  accepted = 0;
  readonly #done = new WeakMap<net.Socket, () => void>();

  track(socket: net.Socket): void {
    this.accepted += 1;
    this.open += 1;
    this.peak = Math.max(this.peak, this.open);
    let counted = true;
    const done = (): void => {
      if (counted) this.open -= 1;
      counted = false;
    };
    this.#done.set(socket, done);
    socket.once("end", done);
    socket.once("close", done);
  }

  /** A TLS server's socket reads the raw one's data: its 'end' is the client's FIN. */
  trackTls(secure: net.Socket): void {
    const done = this.#done.get((secure as net.Socket & { _parent?: net.Socket })._parent as net.Socket);
    if (!done) return;
    secure.once("end", done);
    secure.once("close", done);
  }
}

export interface TestServer {
  port: number;
  counter: SocketCounter;
  /** TLS handshakes completed (https servers). */
  handshakes(): number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server & { closeAllConnections?: () => void }, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** An https server on 127.0.0.1; `counter` may be shared by several servers to count across origins. */
export async function startHttps(cert: IssuedCertificate, handler: Handler, counter = new SocketCounter()): Promise<TestServer> {
  let handshakes = 0;
  const sockets = new Set<net.Socket>();
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem, keepAliveTimeout: 30_000 }, handler);
  server.on("connection", (socket: net.Socket) => {
    counter.track(socket);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (secure: net.Socket) => {
    handshakes += 1;
    counter.trackTls(secure);
  });
  server.on("tlsClientError", () => undefined);
  const port = await listen(server);
  return { port, counter, handshakes: () => handshakes, close: closer(server, sockets) };
}

export async function startHttp(handler: Handler, counter = new SocketCounter()): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(handler);
  server.on("connection", (socket: net.Socket) => {
    counter.track(socket);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return { port, counter, handshakes: () => 0, close: closer(server, sockets) };
}

/** Accepts TCP connections and never says a word: a TLS handshake against it never finishes. */
export async function startSilent(): Promise<TestServer> {
  const counter = new SocketCounter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    counter.track(socket);
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.once("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return { port, counter, handshakes: () => 0, close: closer(server, sockets) };
}

/** A port on which nothing listens (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** connectTo for tests: every host's 443/80 goes to the given local ports, by host name when a map is given. */
export function toLocal(ports: number | Record<string, number>): (host: string) => { host: string; port: number } | undefined {
  return (host) => {
    const target = typeof ports === "number" ? ports : ports[host];
    return target === undefined ? undefined : { host: "127.0.0.1", port: target };
  };
}
