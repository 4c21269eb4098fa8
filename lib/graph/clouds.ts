import { authorityAliases, authorityHosts } from "../auth/index.js";
import { exchangeOnlineEwsHosts } from "../util/hosts.js";
import type { oauthClouds } from "../config/profile.js";

/** The profile's `auth.cloud`: public (global), usgov (GCC High), usgov-dod (DoD), china (21Vianet). */
export type GraphCloudName = (typeof oauthClouds)[number];

export interface GraphCloud {
  name: GraphCloudName;
  label: string;
  /** The token authority, as lib/auth names it (https://login...). */
  authorityHost: string;
  /**
   * Other names of the same authority that MSAL sends token requests to: for 21Vianet its instance
   * metadata prefers login.partner.microsoftonline.cn over login.chinacloudapi.cn.
   */
  authorityAliases: string[];
  /** Microsoft Graph's host in this cloud. */
  graphHost: string;
  /** Exchange Online's EWS host in this cloud (for the EWS readiness request); the same as lib/auth's EWS scope. */
  ewsHost: string;
  /** Microsoft To Do is offered (it is not in 21Vianet). */
  todo: boolean;
}

/** The sign-in side comes from lib/auth's tables (the authority and the names MSAL also uses for it), EWS's from lib/util/hosts.ts. */
const cloud = (name: GraphCloudName, label: string, graphHost: string, todo: boolean): GraphCloud => ({
  name,
  label,
  authorityHost: authorityHosts[name],
  authorityAliases: [...authorityAliases[name]],
  graphHost,
  ewsHost: exchangeOnlineEwsHosts[name],
  todo,
});

export const graphClouds: Readonly<Record<GraphCloudName, GraphCloud>> = {
  public: cloud("public", "global", "graph.microsoft.com", true),
  usgov: cloud("usgov", "GCC High", "graph.microsoft.us", true),
  "usgov-dod": cloud("usgov-dod", "DoD", "dod-graph.microsoft.us", true),
  china: cloud("china", "21Vianet", "microsoftgraph.chinacloudapi.cn", false),
};

export const graphScopeOf = (cloud: GraphCloud): string => `https://${cloud.graphHost}/.default`;
export const graphBaseUrlOf = (cloud: GraphCloud): string => `https://${cloud.graphHost}/v1.0`;
export const ewsUrlOf = (cloud: GraphCloud): string => `https://${cloud.ewsHost}/EWS/Exchange.asmx`;

/** The only hosts that may receive the app's credentials or tokens for this cloud: its login hosts, Graph and EWS hosts. */
export function credentialHostsOf(cloud: GraphCloud): string[] {
  return [new URL(cloud.authorityHost).hostname, ...cloud.authorityAliases, cloud.graphHost, cloud.ewsHost];
}

/** A credential (client secret, assertion or Bearer token) goes only over https to one of the cloud's own hosts. */
export function mayReceiveCredentials(cloud: GraphCloud, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" && credentialHostsOf(cloud).includes(parsed.hostname.toLowerCase());
}
