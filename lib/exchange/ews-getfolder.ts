import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import type { Failure } from "../model/failure.js";
import { attr, child, children, descendant, text, type XmlElement } from "../xml/element.js";
import { escapeXml } from "../xml/escape.js";
import { parseAnswerXml } from "./xml-answer.js";
import { distinguishedFolders, type DistinguishedFolder, type FolderResult, type FolderResults } from "./ews-channels.js";
import { buildFromEwsServerVersionInfo, type ServerBuild } from "./server-version.js";
import { backOffFrom, soapFaultOf } from "./soap-fault.js";

export * from "./ews-channels.js";

export const ewsTypesNamespace = "http://schemas.microsoft.com/exchange/services/2006/types";
export const ewsMessagesNamespace = "http://schemas.microsoft.com/exchange/services/2006/messages";
/** SOAPAction header value for GetFolder. */
export const getFolderAction = `${ewsMessagesNamespace}/GetFolder`;

/** `Exchange2010_SP2` also covers 2010 SP3; `Exchange2013_SP1` for 2013 SP1 and later. */
export type RequestServerVersion = "Exchange2010_SP2" | "Exchange2013_SP1";

export interface GetFolderRequest {
  address: string;
  requestServerVersion: RequestServerVersion;
  folders: readonly DistinguishedFolder[];
}

export type GetFolderAnswer =
  | { kind: "folders"; server?: ServerBuild; folders: FolderResults }
  /** The whole request failed: an HTTP 500 SOAP fault, or one error message standing for all folders. */
  | { kind: "fault"; responseCode: string; message: string; backOffMs?: number; server?: ServerBuild }
  | { kind: "invalid"; failure: Failure };

/** One GetFolder, impersonating `address`; send it with header `X-AnchorMailbox: <address>`. */
export function getFolderRequestBody(req: GetFolderRequest): string {
  const address = escapeXml(req.address);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"`,
    `               xmlns:t="${ewsTypesNamespace}"`,
    `               xmlns:m="${ewsMessagesNamespace}">`,
    `  <soap:Header>`,
    `    <t:RequestServerVersion Version="${req.requestServerVersion}"/>`,
    `    <t:ExchangeImpersonation>`,
    `      <t:ConnectingSID><t:SmtpAddress>${address}</t:SmtpAddress></t:ConnectingSID>`,
    `    </t:ExchangeImpersonation>`,
    `  </soap:Header>`,
    `  <soap:Body>`,
    `    <m:GetFolder>`,
    `      <m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>`,
    `      <m:FolderIds>`,
    ...req.folders.map((f) => `        <t:DistinguishedFolderId Id="${f}"/>`),
    `      </m:FolderIds>`,
    `    </m:GetFolder>`,
    `  </soap:Body>`,
    `</soap:Envelope>`,
    ``,
  ].join("\n");
}

export interface ParseGetFolderOptions {
  /** The folders the request asked for, in request order: EWS answers in that order. */
  folders?: readonly DistinguishedFolder[];
  context?: RemediationContext;
}

export function parseGetFolderResponse(status: number, body: Buffer | string, opts: ParseGetFolderOptions = {}): GetFolderAnswer {
  const requested = opts.folders ?? distinguishedFolders;
  const context = opts.context ?? {};
  if (status !== 200 && status !== 500) {
    const message = `EWS answered HTTP ${status} where 200 or a 500 SOAP fault was expected.`;
    return { kind: "invalid", failure: makeFailure("http-status", { code: String(status), message, context }) };
  }
  const parsed = parseAnswerXml(body, context);
  if (!parsed.ok) {
    if (status === 200) return { kind: "invalid", failure: parsed.failure };
    const message = `EWS answered HTTP 500 without a SOAP fault (${parsed.failure.message})`;
    return { kind: "invalid", failure: makeFailure("http-status", { code: "500", message, transient: true, context }) };
  }
  const envelope = parsed.value;
  const soapBody = child(envelope, "Body");
  if (envelope.name !== "Envelope" || !soapBody) {
    return invalid(`Expected a SOAP envelope, got <${envelope.name}>.`, context);
  }
  const server = buildFromEwsServerVersionInfo(descendant(child(envelope, "Header"), "ServerVersionInfo"));
  const withServer = <T extends object>(answer: T): T => (server ? { ...answer, server } : answer);

  const fault = soapFaultOf(soapBody);
  if (fault) return withServer({ kind: "fault", ...fault });

  const messages = children(descendant(soapBody, "ResponseMessages")).filter((m) => m.name.endsWith("ResponseMessage"));
  if (messages.length === 0) return invalid("The GetFolder response holds no response messages.", context);
  const results = messages.map(folderResult);
  const [only] = results;
  if (results.length === 1 && requested.length > 1 && only && !only.ok) {
    const { ok: _ok, ...error } = only;
    return withServer({ kind: "fault", ...error });
  }
  if (results.length !== requested.length) {
    return invalid(`Asked for ${requested.length} folders, EWS answered ${results.length}.`, context);
  }
  const folders: FolderResults = {};
  requested.forEach((folder, i) => {
    folders[folder] = results[i];
  });
  return withServer({ kind: "folders", folders });
}

function folderResult(message: XmlElement): FolderResult {
  const responseClass = attr(message, "ResponseClass");
  const responseCode = text(child(message, "ResponseCode")) ?? "";
  // "Warning" still returned the folder; only "Error" means it could not be opened.
  if (responseClass !== "Error" && (responseCode === "NoError" || responseClass === "Success" || responseClass === "Warning")) {
    return { ok: true };
  }
  const result: FolderResult = { ok: false, responseCode, message: text(child(message, "MessageText")) ?? "" };
  const backOffMs = backOffFrom(child(message, "MessageXml"));
  if (backOffMs !== undefined) result.backOffMs = backOffMs;
  return result;
}

function invalid(message: string, context: RemediationContext): GetFolderAnswer {
  return { kind: "invalid", failure: makeFailure("invalid-response", { code: "ews-unexpected", message, context }) };
}
