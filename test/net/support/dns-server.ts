import { startDnsServer, type DnsAnswer } from "../../../sim/dns.js";

export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface DnsZone {
  a?: Record<string, string>;
  srv?: Record<string, SrvAnswer[]>;
}

export interface TestDns {
  /** "127.0.0.1:port", ready for NetworkSettings.dnsServers. */
  server: string;
  /** Every name asked, in order, with its query type (1 = A, 28 = AAAA, 33 = SRV). */
  queries: Array<{ name: string; type: number }>;
  close(): Promise<void>;
}

const typeNumbers = { A: 1, AAAA: 28, SRV: 33, OTHER: 0 } as const;

/** The simulator's DNS server over a fixed zone: A and SRV records, no data for a known name's other types, NXDOMAIN for the rest. */
export async function startDns(zone: DnsZone): Promise<TestDns> {
  const queries: TestDns["queries"] = [];
  const server = await startDnsServer((name, type): DnsAnswer => {
    queries.push({ name, type: typeNumbers[type] });
    const ip = zone.a?.[name];
    const srv = zone.srv?.[name];
    if (type === "A" && ip !== undefined) return { kind: "a", address: ip };
    if (type === "SRV" && srv !== undefined) return { kind: "srv", records: srv };
    return ip !== undefined || srv !== undefined ? { kind: "nodata" } : { kind: "nxdomain" };
  });
  return { server: `127.0.0.1:${server.port}`, queries, close: () => server.close() };
}
