import { createHash } from "node:crypto";
import { offersTodo } from "../clouds.js";
import type { OAuthAppSpec } from "../spec.js";
import type { OrgState } from "../state.js";
import { graphError, graphOk, throttled, unavailable, type GraphReply } from "./reply.js";
import { rolesFor, type GraphFolder, type GraphResource } from "./resource.js";

export interface GraphCall {
  host: string;
  app: OAuthAppSpec;
  /** The roles claim of the caller's token. */
  roles: readonly string[];
  resource: GraphResource;
  clientRequestId?: string;
}

const idOf = (...parts: string[]): string => createHash("sha256").update(parts.join("/")).digest("base64url");

/** Answers one Graph request (a single request or one batch item). Consumes one `graphThrottled` request when it fires. */
export function decideGraph(org: OrgState, call: GraphCall): GraphReply {
  const { resource, clientRequestId: crid } = call;
  if (resource.kind === "unknown") return graphError(400, "BadRequest", `Resource not found for the segment '${resource.segment}'.`, crid);
  const { mailbox: address, folder } = resource;
  if (folder === "todo" && !offersTodo(call.host)) return graphError(404, "ResourceNotFound", "Resource not found for the segment 'todo'.", crid);
  if (!rolesFor[folder].some((r) => call.roles.includes(r))) {
    return folder === "todo"
      ? graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", crid)
      : graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", crid);
  }
  const mailbox = org.mailbox(address);
  if (!mailbox || mailbox.knobs.notFound) return graphError(404, "ErrorInvalidUser", `The requested user '${address}' is invalid.`, crid);
  const throttle = mailbox.knobs.graphThrottled;
  if (throttle !== null && throttle.requests > 0) {
    mailbox.knobs.graphThrottled = throttle.requests > 1 ? { ...throttle, requests: throttle.requests - 1 } : null;
    if (throttle.code === "ServiceUnavailable") return unavailable(throttle.retryAfterSeconds, crid);
    const message = throttle.code === "ApplicationThrottled" ? "Application is over its MailboxConcurrency limit." : "Too many requests.";
    return throttled(throttle.code, throttle.retryAfterSeconds, message, crid);
  }
  switch (mailbox.knobs.graphFault) {
    case "ErrorInvalidUser":
      return graphError(404, "ErrorInvalidUser", `The requested user '${address}' is invalid.`, crid);
    case "ResourceNotFound":
      return graphError(404, "ResourceNotFound", "Resource could not be discovered.", crid);
    case "MailboxNotEnabledForRESTAPI":
      return notInCloud(crid);
    case "ODataDisabled":
      return graphError(403, "ErrorAccessDenied", "Access to OData is disabled.", crid);
    case "ErrorAccessDenied":
      return graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.", crid);
    case "Authorization_RequestDenied":
      return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", crid);
    case "InvalidAuthenticationToken":
      return graphError(401, "InvalidAuthenticationToken", "Access token validation failure.", crid);
    case null:
      break;
  }
  if (!org.isCloudMailbox(mailbox)) return notInCloud(crid);
  if (!org.graphMayReach(call.app, address)) return graphError(403, "ErrorAccessDenied", "Access to OData is disabled.", crid);
  const ok = graphOk(success(call.host, address, folder));
  return mailbox.knobs.graphMalformedItem ? { ...ok, malformed: true } : ok;
}

const notInCloud = (crid?: string): GraphReply =>
  graphError(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.", crid);

function success(host: string, address: string, folder: GraphFolder): unknown {
  const context = `https://${host}/v1.0/$metadata#users('${encodeURIComponent(address)}')`;
  switch (folder) {
    case "inbox":
    case "sentitems":
      return { "@odata.context": `${context}/mailFolders(id)/$entity`, id: idOf(address, folder) };
    case "calendar":
      return { "@odata.context": `${context}/calendar(id)/$entity`, id: idOf(address, folder) };
    case "contacts":
      return { "@odata.context": `${context}/contacts(id)`, value: [{ id: idOf(address, "contact", "1") }] };
    case "todo":
      return {
        "@odata.context": `${context}/todo/lists`,
        value: [{ "@odata.etag": `W/"${idOf(address, "etag")}"`, displayName: "Tasks", isOwner: true, isShared: false, wellknownListName: "defaultList", id: idOf(address, folder) }],
      };
  }
}
