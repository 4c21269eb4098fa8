import { folderNames, type FolderName } from "../spec.js";
import type { OrgState, Principal, ServerState } from "../state.js";
import { elementAttrs, elementTexts } from "../http/io.js";

export interface GetFolderRequest {
  /** ExchangeImpersonation/ConnectingSID/SmtpAddress, when given. */
  impersonated?: string;
  folders: string[];
  requestedVersion?: string;
}

export type EwsRequest = { kind: "getFolder"; request: GetFolderRequest } | { kind: "invalid"; reason: string };

export type EwsAnswer =
  | { kind: "fault"; code: string; message: string; backOffMs?: number }
  | { kind: "folders"; results: { folder: string; error?: string }[] };

export function parseEwsRequest(body: string): EwsRequest {
  if (!/<(?:[\w.-]+:)?Envelope[\s>]/.test(body)) return { kind: "invalid", reason: "The request is not a SOAP envelope." };
  if (!/<(?:[\w.-]+:)?GetFolder[\s>]/.test(body)) return { kind: "invalid", reason: "The simulator answers GetFolder only." };
  const impersonation = /<(?:[\w.-]+:)?ExchangeImpersonation[\s>][\s\S]*?<\/(?:[\w.-]+:)?ExchangeImpersonation>/.exec(body)?.[0];
  const folders = elementAttrs(body, "DistinguishedFolderId", "Id");
  if (folders.length === 0) return { kind: "invalid", reason: "GetFolder names no distinguished folder." };
  return {
    kind: "getFolder",
    request: {
      impersonated: impersonation ? elementTexts(impersonation, "SmtpAddress")[0] : undefined,
      folders,
      requestedVersion: elementAttrs(body, "RequestServerVersion", "Version")[0],
    },
  };
}

const fault = (code: string, message: string, backOffMs?: number): EwsAnswer => ({ kind: "fault", code, message, backOffMs });

/** Decides one GetFolder. Consumes one `failNext` from the mailbox when it fires. */
export function decideGetFolder(org: OrgState, server: ServerState, principal: Principal, req: GetFolderRequest): EwsAnswer {
  const self = principal.kind === "account" ? principal.account.upn : undefined;
  const target = req.impersonated ?? self;
  if (!target) return fault("ErrorAccessDenied", "ExchangeImpersonation SOAP header must be present for this type of OAuth token.");
  const mailbox = org.mailbox(target);
  if (!mailbox || mailbox.knobs.notFound) return fault("ErrorNonExistentMailbox", `No mailbox with such guid. (SMTP address ${target})`);
  const isSelf = self !== undefined && self.toLowerCase() === mailbox.address;
  if (!isSelf && (mailbox.knobs.impersonationDenied || !org.mayImpersonate(principal, mailbox.address))) {
    return fault("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user.");
  }
  const home = org.homeOf(mailbox);
  if (home !== server.name) {
    return mailbox.knobs.movedTo && mailbox.server === server.name
      ? fault("ErrorMailboxMoveInProgress", "The mailbox is being moved; try again on its new server.")
      : fault("ErrorConnectionFailed", "Connection did not succeed. Try again later.");
  }
  if (mailbox.knobs.accessDenied) return fault("ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  if (mailbox.knobs.busy !== false) return fault("ErrorServerBusy", "The server cannot service this request right now. Try again later.", mailbox.knobs.busy);
  if (mailbox.knobs.failNext > 0) {
    mailbox.knobs.failNext--;
    return fault("ErrorServerBusy", "The server cannot service this request right now. Try again later.", 100);
  }
  return {
    kind: "folders",
    results: req.folders.map((folder) => {
      const known = (folderNames as readonly string[]).includes(folder);
      const error = known ? mailbox.knobs.folderErrors[folder as FolderName] : "ErrorFolderNotFound";
      return error ? { folder, error } : { folder };
    }),
  };
}
