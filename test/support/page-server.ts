import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What a route answers. */
export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface PageServer {
  origin: string;
  /** Every request path with its query, in order. */
  served: string[];
  close(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 answering GET by path (query given to the handler); anything else is 404. */
export async function servePages(routes: Record<string, (query: URLSearchParams) => PageResponse>): Promise<PageServer> {
  const served: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    served.push(`${url.pathname}${url.search}`);
    const route = req.method === "GET" ? routes[url.pathname] : undefined;
    const answer = route === undefined ? { status: 404, headers: { "Content-Type": "text/plain" }, body: "not found" } : route(url.searchParams);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
