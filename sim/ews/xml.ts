import { createHash } from "node:crypto";
import { esc } from "../http/io.js";
import { ewsVersionName, parseBuild } from "../version.js";
import type { EwsAnswer } from "./decide.js";

const typesNs = "http://schemas.microsoft.com/exchange/services/2006/types";
const messagesNs = "http://schemas.microsoft.com/exchange/services/2006/messages";
const errorsNs = "http://schemas.microsoft.com/exchange/services/2006/errors";

function header(build: string): string {
  const b = parseBuild(build);
  return `<s:Header><h:ServerVersionInfo MajorVersion="${b.major}" MinorVersion="${b.minor}" MajorBuildNumber="${b.build}" MinorBuildNumber="${b.revision}" Version="${ewsVersionName(b)}" xmlns:h="${typesNs}" xmlns="${typesNs}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/></s:Header>`;
}

const envelope = (build: string, body: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">${header(build)}<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body></s:Envelope>`;

const folderElement: Record<string, string> = { calendar: "CalendarFolder", contacts: "ContactsFolder", tasks: "TasksFolder" };
const displayName: Record<string, string> = { inbox: "Inbox", sentitems: "Sent Items", calendar: "Calendar", contacts: "Contacts", tasks: "Tasks" };

function folderId(mailbox: string, folder: string): string {
  return createHash("sha256").update(`${mailbox}/${folder}`).digest("base64");
}

function message(mailbox: string, r: { folder: string; error?: string }): string {
  if (r.error) {
    return `<m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The request failed for folder ${esc(r.folder)}.</m:MessageText><m:ResponseCode>${esc(r.error)}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetFolderResponseMessage>`;
  }
  const el = folderElement[r.folder] ?? "Folder";
  return `<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:${el}><t:FolderId Id="${folderId(mailbox, r.folder)}" ChangeKey="AQAAABYAAAA="/><t:DisplayName>${displayName[r.folder] ?? r.folder}</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:${el}></m:Folders></m:GetFolderResponseMessage>`;
}

export function ewsResponse(build: string, mailbox: string, answer: Extract<EwsAnswer, { kind: "folders" }>): string {
  const messages = answer.results.map((r) => message(mailbox, r)).join("");
  return envelope(build, `<m:GetFolderResponse xmlns:m="${messagesNs}" xmlns:t="${typesNs}"><m:ResponseMessages>${messages}</m:ResponseMessages></m:GetFolderResponse>`);
}

/** HTTP 500 body: a SOAP fault whose detail/ResponseCode names the error. */
export function ewsFault(build: string | undefined, code: string, text: string, backOffMs?: number): string {
  const extra =
    backOffMs === undefined
      ? ""
      : `<t:MessageXml xmlns:t="${typesNs}"><t:Value Name="BackOffMilliseconds">${backOffMs}</t:Value></t:MessageXml>`;
  const body = `<s:Fault><faultcode xmlns:a="${typesNs}">a:${code}</faultcode><faultstring xml:lang="en-US">${esc(text)}</faultstring><detail><e:ResponseCode xmlns:e="${errorsNs}">${code}</e:ResponseCode><e:Message xmlns:e="${errorsNs}">${esc(text)}</e:Message>${extra}</detail></s:Fault>`;
  return build === undefined
    ? `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`
    : envelope(build, body);
}
