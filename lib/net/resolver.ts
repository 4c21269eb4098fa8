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

export function createHostResolver(dnsServers: string[], timeoutMs = 3000): HostResolver {
  if (dnsServers.length === 0) return systemResolver;
  const resolver = new dns.Resolver({ timeout: Math.max(1, Math.floor(timeoutMs / 2)), tries: 2 });
  resolver.setServers(dnsServers);
  return {
    async lookup(host) {
      const literal = literalAddress(host);
      if (literal) return literal;
      try {
        const [address] = await resolver.resolve4(host);
        if (address) return { address, family: 4 };
      } catch (error) {
        if (!isNoData(error)) throw error;
      }
      const [address] = await resolver.resolve6(host);
      if (address) return { address, family: 6 };
      throw dnsError("ENODATA", "queryAaaa", host);
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
