import { authorityAliases } from "../auth/index.js";
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

export const graphClouds: Readonly<Record<GraphCloudName, GraphCloud>> = {
  public: { name: "public", label: "global", authorityHost: "https://login.microsoftonline.com", authorityAliases: [], graphHost: "graph.microsoft.com", ewsHost: "outlook.office365.com", todo: true },
  usgov: { name: "usgov", label: "GCC High", authorityHost: "https://login.microsoftonline.us", authorityAliases: [], graphHost: "graph.microsoft.us", ewsHost: "outlook.office365.us", todo: true },
  "usgov-dod": { name: "usgov-dod", label: "DoD", authorityHost: "https://login.microsoftonline.us", authorityAliases: [], graphHost: "dod-graph.microsoft.us", ewsHost: "outlook-dod.office365.us", todo: true },
  china: { name: "china", label: "21Vianet", authorityHost: "https://login.chinacloudapi.cn", authorityAliases: [...authorityAliases.china], graphHost: "microsoftgraph.chinacloudapi.cn", ewsHost: "partner.outlook.cn", todo: false },
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
