import type { ServerResponse } from "node:http";
import { sendXml } from "../http/io.js";
import type { OrgState, ServerState } from "../state.js";
import { decideAutodiscover } from "./decide.js";
import { parsePoxRequest, poxError, poxResponse } from "./pox.js";
import { parseSoapRequest, soapRequestError, soapResponse } from "./soap.js";

/** POST /autodiscover/autodiscover.xml after authentication. */
export function handlePox(org: OrgState, server: ServerState, method: string, body: string, res: ServerResponse): void {
  const parsed = method === "POST" ? parsePoxRequest(body) : { kind: "invalid" as const };
  if (parsed.kind === "invalid") return sendXml(res, 200, poxError("600", "Invalid Request"));
  sendXml(res, 200, poxResponse(decideAutodiscover(org, parsed.address, server.name)));
}

/** POST /autodiscover/autodiscover.svc after authentication. */
export function handleSoap(org: OrgState, server: ServerState, method: string, body: string, res: ServerResponse): void {
  const parsed = method === "POST" ? parseSoapRequest(body) : { kind: "unsupported" as const };
  if (parsed.kind === "unsupported") return sendXml(res, 200, soapRequestError(server.build, "InvalidRequest", "The simulator answers GetUserSettings only."));
  if (parsed.mailboxes.length === 0) return sendXml(res, 200, soapRequestError(server.build, "InvalidRequest", "No mailbox was named."));
  const answers = parsed.mailboxes.map((m) => decideAutodiscover(org, m, server.name));
  sendXml(res, 200, soapResponse(server.build, answers, parsed.settings));
}
