import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A TCP pass-through to `target` on a fixed local port that a test can take down (connections refused, open ones
 * cut) and bring back, to stand for one storage endpoint going away and returning.
 */
export class TcpProxy {
  port = 0;
  #server: Server | undefined;
  #sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Refuses new connections and cuts the open ones. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A server that accepts connections and never answers: storage that hangs. */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The connection string with one service's endpoint (e.g. "QueueEndpoint") moved to 127.0.0.1:port. */
export function withEndpoint(connectionString: string, endpoint: "QueueEndpoint" | "TableEndpoint" | "BlobEndpoint", port: number): string {
  return connectionString.replace(new RegExp(`${endpoint}=http://[^/;]+`), `${endpoint}=http://127.0.0.1:${port}`);
}

/** host and port of one service's endpoint in an Azurite connection string. */
export function endpointOf(connectionString: string, endpoint: "QueueEndpoint" | "TableEndpoint"): { host: string; port: number } {
  const m = new RegExp(`${endpoint}=http://([^:/;]+):(\\d+)`).exec(connectionString);
  if (m === null) throw new Error(`no ${endpoint} in the connection string`);
  return { host: m[1]!, port: Number(m[2]) };
}
