import type { OAuthCredentials, SecretBook, TokenCache } from "../auth/index.js";
import { getFolderRequestBody } from "../exchange/ews-getfolder.js";
import { fail, type Outcome } from "../model/result.js";
import type { HttpReply, ProfileConnections } from "../net/index.js";
import { ewsUrlOf, mayReceiveCredentials, type GraphCloud } from "./clouds.js";
import { cloudToken, refusedHost } from "./token.js";

/**
 * One authenticated EWS request with the profile's app (token for the cloud's EWS resource), for the
 * EWS readiness check: its reply says allowed, disabled or blocked by policy (see ewsReadinessFrom).
 */
export async function askEws(connections: ProfileConnections, tokens: TokenCache, credentials: OAuthCredentials, cloud: GraphCloud, address: string, secrets?: SecretBook): Promise<Outcome<HttpReply>> {
  const url = ewsUrlOf(cloud);
  if (!mayReceiveCredentials(cloud, url)) return fail(refusedHost(cloud, url, "The EWS request's Bearer token"));
  const token = await cloudToken(connections, tokens, credentials, cloud, `https://${cloud.ewsHost}/.default`, secrets);
  if (!token.ok) return token;
  return connections.request({
    url,
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", "x-anchormailbox": address, authorization: `Bearer ${token.value}` },
    // The smallest authenticated EWS call: GetFolder of the mailbox's inbox, impersonating it.
    body: getFolderRequestBody({ address, requestServerVersion: "Exchange2013_SP1", folders: ["inbox"] }),
    carriesCredentials: true,
  });
}
