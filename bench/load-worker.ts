import autocannon from "autocannon";

/**
 * The load generator, in its own process so that it never shares an event loop with the host it loads.
 * argv[2]: JSON { url, connections, duration, headers, paths } — with several paths, each request picks one at random.
 * Prints one JSON object: requests/s, latency percentiles, status counts.
 */
interface LoadSpec {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  paths: string[];
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const pick = () => spec.paths[Math.floor(Math.random() * spec.paths.length)]!;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.duration,
  headers: spec.headers,
  requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: pick() }) }],
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
