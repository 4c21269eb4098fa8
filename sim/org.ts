import { randomBytes } from "node:crypto";
import { withCloudHosts } from "./clouds.js";
import { Counters } from "./counters.js";
import { startDnsServer, type DnsAnswer } from "./dns.js";
import { InFlight } from "./graph/in-flight.js";
import { startListeners } from "./listeners.js";
import { HostCertificates } from "./pki/host-certs.js";
import { DataverseState } from "./dataverse/state.js";
import { route } from "./router.js";
import type { CertificateKind, MailboxKnobs, OrgSpec, ServerKnobs } from "./spec.js";
import { OrgState } from "./state.js";

export interface SimEndpoints {
  httpsPort: number;
  httpPort: number;
  dnsPort: number;
  /** The simulator's CA: trust it to accept every "valid" host certificate. */
  caPem: string;
}

export interface SimulatedOrg {
  readonly endpoints: SimEndpoints;
  readonly counters: Counters;
  /** `DNS_SERVERS` value for the client: 127.0.0.1:<dnsPort>. */
  readonly dnsServers: string;
  /** Where a connection to host:port really goes (443 → httpsPort, 80 → httpPort), like curl --connect-to. */
  connectTo(host: string, port: number): { port: number };
  setServer(host: string, knobs: Partial<ServerKnobs>): void;
  setMailbox(address: string, knobs: Partial<MailboxKnobs>): void;
  /** The PEM certificate a host presents for a kind (for tests that inspect certificates). */
  certificateOf(host: string, kind?: CertificateKind): string;
  /** The simulated Dataverse environment, when the spec has one: its records, knobs and counters. */
  readonly dataverse: DataverseState | undefined;
  stop(): Promise<void>;
}

function withLoginHosts(spec: OrgSpec): OrgSpec {
  const loginHost = (spec.loginHost ?? "login.microsoftonline.com").toLowerCase();
  return { ...spec, servers: withCloudHosts(spec.servers, loginHost) };
}

function withDataverseHost(spec: OrgSpec): OrgSpec {
  const host = spec.dataverse?.host.toLowerCase();
  if (host === undefined || spec.servers.some((s) => s.name.toLowerCase() === host)) return spec;
  return { ...spec, servers: [...spec.servers, { name: host, ews: false, group: host }] };
}

export async function startSimulatedOrg(spec: OrgSpec): Promise<SimulatedOrg> {
  const org = new OrgState(withDataverseHost(withLoginHosts(spec)));
  const dataverse = spec.dataverse ? new DataverseState(spec.dataverse) : undefined;
  const graphInFlight = new InFlight();
  const counters = new Counters();
  const certs = new HostCertificates();
  const tokenSecret = randomBytes(32);

  const lookup = (name: string, type: "A" | "AAAA" | "SRV" | "OTHER"): DnsAnswer => {
    const srv = org.srvTargets(name);
    if (srv) {
      if (type !== "SRV") return { kind: "nodata" };
      return { kind: "srv", records: srv.map((t) => ({ priority: t.priority ?? 0, weight: t.weight ?? 0, port: t.port ?? 443, target: t.target })) };
    }
    const server = org.server(name);
    if (!server) return { kind: "nxdomain" };
    return type === "A" ? { kind: "a", address: server.knobs.refuse ? "127.0.0.2" : "127.0.0.1" } : { kind: "nodata" };
  };

  const dns = await startDnsServer(lookup);
  const listeners = await startListeners({ org, certs, counters, handle: (req, res, protocol) => route({ org, counters, tokenSecret, dataverse, graphInFlight }, req, res, protocol) });
  const endpoints: SimEndpoints = { httpsPort: listeners.httpsPort, httpPort: listeners.httpPort, dnsPort: dns.port, caPem: certs.ca.certPem };

  return {
    endpoints,
    counters,
    dnsServers: `127.0.0.1:${dns.port}`,
    connectTo: (_host, port) => ({ port: port === 80 ? endpoints.httpPort : port === 443 ? endpoints.httpsPort : port }),
    setServer: (host, knobs) => org.setServer(host, knobs),
    setMailbox: (address, knobs) => org.setMailbox(address, knobs),
    certificateOf: (host, kind = "valid") => certs.issued(host, kind).certPem,
    dataverse,
    async stop() {
      await Promise.all([listeners.close(), dns.close()]);
    },
  };
}
