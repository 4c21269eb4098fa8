import type { ServerResponse } from "node:http";
import { answerLater, sendXml } from "../http/io.js";
import type { OrgState, Principal, ServerState } from "../state.js";
import { decideGetFolder, parseEwsRequest } from "./decide.js";
import { ewsFault, ewsResponse } from "./xml.js";

/** POST /EWS/Exchange.asmx after authentication. */
export async function handleEws(org: OrgState, server: ServerState, principal: Principal, method: string, body: string, res: ServerResponse): Promise<void> {
  if (method !== "POST") {
    return sendXml(res, 405, ewsFault(undefined, "ErrorInvalidRequest", "EWS accepts POST only."), { Allow: "POST" });
  }
  const parsed = parseEwsRequest(body);
  if (parsed.kind === "invalid") return sendXml(res, 500, ewsFault(server.build, "ErrorSchemaValidation", parsed.reason));
  const stallMs = parsed.request.impersonated === undefined ? false : org.mailbox(parsed.request.impersonated)?.knobs.stallMs;
  if (typeof stallMs === "number") answerLater(res, stallMs);
  const answer = decideGetFolder(org, server, principal, parsed.request);
  if (answer.kind === "fault") return sendXml(res, 500, ewsFault(server.build, answer.code, answer.message, answer.backOffMs));
  const target = parsed.request.impersonated ?? (principal.kind === "account" ? principal.account.upn : "");
  sendXml(res, 200, ewsResponse(server.build, target.toLowerCase(), answer));
}
