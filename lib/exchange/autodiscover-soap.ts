import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { child, childIgnoreCase, children, descendant, path, text, type XmlElement } from "../xml/element.js";
import { escapeXml } from "../xml/escape.js";
import { parseAnswerXml } from "./xml-answer.js";
import { checkedAnswer, settingsAnswer, type AutodiscoverAnswer } from "./autodiscover-answer.js";
import { buildFromAutodiscoverServerVersionInfo, buildFromDottedVersion } from "./server-version.js";
import { soapFaultOf } from "./soap-fault.js";

export type SoapAutodiscoverAnswer = AutodiscoverAnswer;

export const autodiscoverNamespace = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
/** Value of the SOAPAction HTTP header and of the WS-Addressing Action header. */
export const getUserSettingsAction = `${autodiscoverNamespace}/Autodiscover/GetUserSettings`;
export const requestedUserSettings = ["ExternalEwsUrl", "InternalEwsUrl", "CasVersion"] as const;

/** SOAP 1.1 GetUserSettings for one mailbox, POSTed to `url` (`.../autodiscover/autodiscover.svc`). */
export function getUserSettingsRequestBody(address: string, url: string): string {
  const settings = requestedUserSettings.map((s) => `          <a:Setting>${s}</a:Setting>`);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"`,
    `               xmlns:a="${autodiscoverNamespace}"`,
    `               xmlns:wsa="http://www.w3.org/2005/08/addressing">`,
    `  <soap:Header>`,
    `    <a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>`,
    `    <wsa:Action>${getUserSettingsAction}</wsa:Action>`,
    `    <wsa:To>${escapeXml(url)}</wsa:To>`,
    `  </soap:Header>`,
    `  <soap:Body>`,
    `    <a:GetUserSettingsRequestMessage>`,
    `      <a:Request>`,
    `        <a:Users>`,
    `          <a:User><a:Mailbox>${escapeXml(address)}</a:Mailbox></a:User>`,
    `        </a:Users>`,
    `        <a:RequestedSettings>`,
    ...settings,
    `        </a:RequestedSettings>`,
    `      </a:Request>`,
    `    </a:GetUserSettingsRequestMessage>`,
    `  </soap:Body>`,
    `</soap:Envelope>`,
    ``,
  ].join("\n");
}

export function parseGetUserSettingsResponse(body: Buffer | string, ctx: RemediationContext = {}): SoapAutodiscoverAnswer {
  return checkedAnswer(parseGetUserSettingsResponseUnchecked(body, ctx), ctx);
}

function parseGetUserSettingsResponseUnchecked(body: Buffer | string, ctx: RemediationContext = {}): SoapAutodiscoverAnswer {
  const parsed = parseAnswerXml(body, ctx);
  if (!parsed.ok) return { kind: "invalid", failure: parsed.failure };
  const envelope = parsed.value;
  const soapBody = child(envelope, "Body");
  if (envelope.name !== "Envelope" || !soapBody) return invalid(`Expected a SOAP envelope, got <${envelope.name}>.`, ctx);
  const fault = soapFaultOf(soapBody);
  if (fault) return { kind: "error", errorCode: fault.responseCode, message: fault.message };
  const response = path(soapBody, "GetUserSettingsResponseMessage", "Response");
  if (!response) return invalid("The SOAP body holds no GetUserSettingsResponseMessage/Response.", ctx);

  const responseCode = text(child(response, "ErrorCode"));
  if (responseCode !== "NoError") {
    return { kind: "error", errorCode: responseCode ?? "", message: text(child(response, "ErrorMessage")) ?? "" };
  }
  const user = path(response, "UserResponses", "UserResponse");
  if (!user) return invalid("The GetUserSettings response holds no UserResponse.", ctx);
  const userCode = text(child(user, "ErrorCode"));
  const target = text(childIgnoreCase(user, "RedirectTarget"));
  switch (userCode) {
    case "NoError":
      return settingsFrom(envelope, user, ctx);
    case "RedirectAddress":
      return target ? { kind: "redirect-address", address: target } : invalid("RedirectAddress without RedirectTarget.", ctx);
    case "RedirectUrl":
      return target ? { kind: "redirect-url", url: target } : invalid("RedirectUrl without RedirectTarget.", ctx);
    default:
      return { kind: "error", errorCode: userCode ?? "", message: text(child(user, "ErrorMessage")) ?? "" };
  }
}

function settingsFrom(envelope: XmlElement, user: XmlElement, ctx: RemediationContext): SoapAutodiscoverAnswer {
  const values = new Map<string, string>();
  for (const setting of children(child(user, "UserSettings"), "UserSetting")) {
    const name = text(child(setting, "Name"));
    const value = text(child(setting, "Value"));
    if (name && value) values.set(name, value);
  }
  const server =
    buildFromAutodiscoverServerVersionInfo(descendant(child(envelope, "Header"), "ServerVersionInfo")) ??
    buildFromDottedVersion(values.get("CasVersion"));
  const answer = settingsAnswer(values.get("ExternalEwsUrl"), values.get("InternalEwsUrl"), server);
  if (answer) return answer;
  // Both URLs missing: report the server's own reason when it gave one (SettingIsNotAvailable).
  const settingError = child(child(user, "UserSettingErrors"), "UserSettingError");
  if (settingError) {
    return {
      kind: "error",
      errorCode: text(child(settingError, "ErrorCode")) ?? "",
      message: `${text(child(settingError, "SettingName")) ?? "setting"}: ${text(child(settingError, "ErrorMessage")) ?? ""}`,
    };
  }
  return invalid("GetUserSettings returned neither ExternalEwsUrl nor InternalEwsUrl.", ctx);
}

function invalid(message: string, context: RemediationContext): SoapAutodiscoverAnswer {
  return { kind: "invalid", failure: makeFailure("invalid-response", { code: "autodiscover-unexpected", message, context }) };
}
