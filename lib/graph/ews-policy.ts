import type { OAuthCredentials, SecretBook } from "../auth/index.js";
import { fail, type Outcome } from "../model/result.js";
import type { HttpReply, ProfileConnections } from "../net/index.js";
import { ewsUrlOf, mayReceiveCredentials, type GraphCloud } from "./clouds.js";
import { cloudToken, refusedHost } from "./token.js";

const xmlEscape = (s: string): string => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

/** The smallest authenticated EWS call: GetFolder of the mailbox's inbox, impersonating it. */
function getInbox(address: string): string {
  const a = xmlEscape(address);
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
<soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${a}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>
<soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body>
</soap:Envelope>`;
}

/**
 * One authenticated EWS request with the profile's app (token for the cloud's EWS resource), for the
 * EWS readiness check: its reply says allowed, disabled or blocked by policy (see ewsReadinessFrom).
 */
export async function askEws(connections: ProfileConnections, credentials: OAuthCredentials, cloud: GraphCloud, address: string, secrets?: SecretBook): Promise<Outcome<HttpReply>> {
  const url = ewsUrlOf(cloud);
  if (!mayReceiveCredentials(cloud, url)) return fail(refusedHost(cloud, url, "The EWS request's Bearer token"));
  const token = await cloudToken(connections, credentials, cloud, `https://${cloud.ewsHost}/.default`, secrets);
  if (!token.ok) return token;
  return connections.request({
    url,
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", "x-anchormailbox": address, authorization: `Bearer ${token.value}` },
    body: getInbox(address),
    carriesCredentials: true,
  });
}
