import { promises as dns, type SrvRecord } from "node:dns";
import net from "node:net";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name resolution for one profile: the DNS_SERVERS when given (A, then AAAA; SRV), else the system's. */
export interface HostResolver {
  lookup(host: string): Promise<ResolvedAddress>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

/**
 * With DNS_SERVERS, a name is asked once at a time and its answer kept for its record's TTL: a cycle opens all its
 * connections to a host at once, and ten queries for one name would each wait on the server.
 */
export function createHostResolver(dnsServers: string[], timeoutMs = 3000, now: () => number = Date.now): HostResolver {
  if (dnsServers.length === 0) return systemResolver;
  const resolver = new dns.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / 2)), tries: 2 });
  resolver.setServers(dnsServers);
  const known = new Map<string, { answer: Promise<ResolvedAddress>; until: number }>();
  const ask = async (host: string): Promise<{ resolved: ResolvedAddress; ttlSeconds: number }> => {
    try {
      const [record] = await resolver.resolve4(host, { ttl: true });
      if (record) return { resolved: { address: record.address, family: 4 }, ttlSeconds: record.ttl };
    } catch (error) {
      if (!isNoData(error)) throw error;
    }
    const [record] = await resolver.resolve6(host, { ttl: true });
    if (record) return { resolved: { address: record.address, family: 6 }, ttlSeconds: record.ttl };
    throw dnsError("ENODATA", "queryAaaa", host);
  };
  return {
    lookup(host) {
      const literal = literalAddress(host);
      if (literal) return Promise.resolve(literal);
      const name = host.toLowerCase();
      const kept = known.get(name);
      if (kept !== undefined && kept.until > now()) return kept.answer;
      // A failure is not kept: the next connection asks again.
      const answer = ask(name).then(
        ({ resolved, ttlSeconds }) => {
          known.set(name, { answer: Promise.resolve(resolved), until: now() + ttlSeconds * 1000 });
          return resolved;
        },
        (error: unknown) => {
          known.delete(name);
          throw error;
        },
      );
      known.set(name, { answer, until: Number.POSITIVE_INFINITY });
      return answer;
    },
    resolveSrv: (name) => resolver.resolveSrv(name),
  };
}

/** The machine's own DNS servers; SRV queries get the same bounded timeout and tries as configured servers. */
const systemSrvResolver = new dns.Resolver({ timeout: 1500, tries: 2 });

const systemResolver: HostResolver = {
  async lookup(host) {
    const literal = literalAddress(host);
    if (literal) return literal;
    const { address, family } = await dns.lookup(host);
    return { address, family: family === 6 ? 6 : 4 };
  },
  resolveSrv: (name) => systemSrvResolver.resolveSrv(name),
};

function literalAddress(host: string): ResolvedAddress | undefined {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const family = net.isIP(bare);
  if (family === 4 || family === 6) return { address: bare, family };
  if (bare.toLowerCase() === "localhost") return { address: "127.0.0.1", family: 4 };
  return undefined;
}

function isNoData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "ENODATA";
}

function dnsError(code: string, syscall: string, hostname: string): Error {
  return Object.assign(new Error(`${syscall} ${code} ${hostname}`), { code, syscall, hostname });
}

/** Errors raised by a lookup carry the resolver's syscall (queryA, getaddrinfo, ...). */
export function isDnsError(error: unknown): boolean {
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  return typeof syscall === "string" && (syscall.startsWith("query") || syscall === "getaddrinfo");
}
