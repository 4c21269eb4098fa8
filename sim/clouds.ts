import type { ServerSpec } from "./spec.js";

/**
 * The token authorities of the national clouds: global, US Government (GCC High and DoD), 21Vianet
 * (MSAL sends 21Vianet's token requests to login.partner.microsoftonline.cn, an alias of login.chinacloudapi.cn).
 */
export const cloudLoginHosts = ["login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn"] as const;

/** The Graph hosts of the national clouds and whether each offers Microsoft To Do (21Vianet does not). */
export const cloudGraphHosts: readonly { host: string; todo: boolean }[] = [
  { host: "graph.microsoft.com", todo: true },
  { host: "graph.microsoft.us", todo: true },
  { host: "dod-graph.microsoft.us", todo: true },
  { host: "microsoftgraph.chinacloudapi.cn", todo: false },
];

export function offersTodo(graphHost: string): boolean {
  return cloudGraphHosts.find((c) => c.host === graphHost.toLowerCase())?.todo ?? true;
}

/** Every org serves the login hosts and the Graph hosts, unless its spec already names them. */
export function withCloudHosts(servers: readonly ServerSpec[], loginHost: string): ServerSpec[] {
  const named = new Set(servers.map((s) => s.name.toLowerCase()));
  const added: ServerSpec[] = [];
  for (const host of new Set([loginHost, ...cloudLoginHosts])) {
    if (!named.has(host)) added.push({ name: host, ews: false, group: host });
  }
  for (const { host } of cloudGraphHosts) {
    if (!named.has(host)) added.push({ name: host, ews: false, graph: true, auth: ["bearer"], group: host });
  }
  return [...servers, ...added];
}
