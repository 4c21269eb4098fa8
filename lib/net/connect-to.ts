import type { NetworkSettings } from "./types.js";

export type ConnectToParse = { ok: true; rules: ConnectToRule[] } | { ok: false; problem: string };

export interface ConnectToRule {
  /** Empty means any host / any port, as in curl. */
  host: string;
  port: number | undefined;
  toHost: string;
  toPort: number | undefined;
}

/** curl's --connect-to HOST1:PORT1:HOST2:PORT2 (HOST1, PORT1 may be empty; IPv6 in brackets). */
export function parseConnectTo(values: readonly string[]): ConnectToParse {
  const rules: ConnectToRule[] = [];
  for (const value of values) {
    const match = /^(\[[^\]]*\]|[^:]*):(\d*):(\[[^\]]*\]|[^:]*):(\d*)$/.exec(value.trim());
    const ports = match ? [match[2], match[4]].map((p) => (p === "" ? undefined : Number(p))) : [];
    if (!match || ports.some((p) => p !== undefined && (p < 1 || p > 65535))) {
      return { ok: false, problem: `"${value}" is not HOST1:PORT1:HOST2:PORT2 (curl's --connect-to form)` };
    }
    rules.push({ host: unbracket(match[1]!).toLowerCase(), port: ports[0], toHost: unbracket(match[3]!), toPort: ports[1] });
  }
  return { ok: true, rules };
}

export function connectToFunction(rules: readonly ConnectToRule[]): NetworkSettings["connectTo"] {
  if (rules.length === 0) return undefined;
  return (host, port) => {
    const rule = rules.find((r) => (r.host === "" || r.host === host.toLowerCase()) && (r.port === undefined || r.port === port));
    if (rule === undefined) return undefined;
    const target: { host?: string; port?: number } = {};
    if (rule.toHost !== "") target.host = rule.toHost;
    if (rule.toPort !== undefined) target.port = rule.toPort;
    return target;
  };
}

function unbracket(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host;
}
