import type { SimulatedOrg } from "../../../sim/index.js";
import { simRequest, type SimResponse } from "./client.js";

/** A client-credentials token from a simulated login host for `resource` (https://host). */
export async function simToken(sim: SimulatedOrg, app: { tenant: string; clientId: string; secret: string }, resource: string, loginHost = "login.microsoftonline.com"): Promise<string> {
  const res = await simRequest(sim, `https://${loginHost}/${app.tenant}/oauth2/v2.0/token`, {
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.clientId, client_secret: app.secret, scope: `${resource}/.default` }).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

/** The claims of a token, read without checking its signature. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

export const graphGet = (sim: SimulatedOrg, url: string, token?: string, headers: Record<string, string> = {}): Promise<SimResponse> =>
  simRequest(sim, url, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

export interface BatchItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: { id?: string; value?: unknown[]; error?: { code: string; message: string; innerError: Record<string, string> } };
}

export async function graphBatch(sim: SimulatedOrg, host: string, token: string, requests: { id: string; method?: string; url: string }[]): Promise<{ status: number; items: BatchItem[]; raw: SimResponse }> {
  const raw = await simRequest(sim, `https://${host}/v1.0/$batch`, {
    body: JSON.stringify({ requests: requests.map((r) => ({ method: "GET", ...r })) }),
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  });
  const items = raw.status === 200 ? (JSON.parse(raw.body) as { responses: BatchItem[] }).responses : [];
  return { status: raw.status, items, raw };
}

export const folderPaths = {
  inbox: "mailFolders/inbox?$select=id",
  sentitems: "mailFolders/sentitems?$select=id",
  calendar: "calendar?$select=id",
  contacts: "contacts?$top=1&$select=id",
  todo: "todo/lists?$top=1",
} as const;

export const userPath = (address: string, folder: keyof typeof folderPaths): string => `/users/${encodeURIComponent(address)}/${folderPaths[folder]}`;
