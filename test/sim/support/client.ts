import { promises as dns } from "node:dns";
import { request as httpRequest, Agent as HttpAgent, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest, Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import type { SimulatedOrg } from "../../../sim/index.js";

export interface SimResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: HttpAgent | HttpsAgent;
  /** Trust the sim CA (default true). */
  trustSimCa?: boolean;
  timeoutMs?: number;
}

/** A lookup that asks only the simulator's DNS server, as the monitor does with DNS_SERVERS. */
export function simLookup(sim: SimulatedOrg): LookupFunction {
  const resolver = new dns.Resolver();
  resolver.setServers([sim.dnsServers]);
  return (hostname, options, callback) => {
    resolver.resolve4(hostname).then(
      (addresses) => {
        const address = addresses[0]!;
        if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: 4 }]);
        else callback(null, address, 4);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 4),
    );
  };
}

/** Sends one request to a simulated URL over a real socket: sim DNS, connect-to port mapping, sim CA. */
export function simRequest(sim: SimulatedOrg, url: string, opts: RequestOptions = {}): Promise<SimResponse> {
  const u = new URL(url);
  const secure = u.protocol === "https:";
  const port = sim.connectTo(u.hostname, Number(u.port || (secure ? 443 : 80))).port;
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: u.hostname,
        port,
        path: u.pathname + u.search,
        method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
        headers: { Host: u.host, ...(opts.body === undefined ? {} : { "Content-Type": "text/xml; charset=utf-8" }), ...opts.headers },
        lookup: simLookup(sim),
        servername: u.hostname,
        ...(secure && opts.trustSimCa !== false ? { ca: sim.endpoints.caPem } : {}),
        agent: opts.agent ?? false,
        timeout: opts.timeoutMs ?? 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const basicAuth = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});

export function getFolderBody(mailbox: string | undefined, folders = ["inbox", "sentitems", "calendar", "contacts", "tasks"]): string {
  const impersonation = mailbox
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : "";
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>${impersonation}</soap:Header>
  <soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${folders
    .map((f) => `<t:DistinguishedFolderId Id="${f}"/>`)
    .join("")}</m:FolderIds></m:GetFolder></soap:Body>
</soap:Envelope>`;
}

export function poxBody(address: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${address}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;
}

export function soapBody(address: string, settings = ["ExternalEwsUrl", "InternalEwsUrl", "CasVersion"]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Header><a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion><wsa:Action>http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings</wsa:Action></soap:Header>
  <soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User><a:Mailbox>${address}</a:Mailbox></a:User></a:Users>
  <a:RequestedSettings>${settings.map((s) => `<a:Setting>${s}</a:Setting>`).join("")}</a:RequestedSettings></a:Request></a:GetUserSettingsRequestMessage></soap:Body>
</soap:Envelope>`;
}
