import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { child, childIgnoreCase, children, text, type XmlElement } from "../xml/element.js";
import { escapeXml } from "../xml/escape.js";
import { parseAnswerXml } from "./xml-answer.js";
import { checkedAnswer, settingsAnswer, type AutodiscoverAnswer } from "./autodiscover-answer.js";
import { buildFromPoxServerVersion } from "./server-version.js";

export type PoxAnswer = AutodiscoverAnswer;

export const poxRequestNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
export const poxResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/** The body POSTed to `.../autodiscover/autodiscover.xml` (content type text/xml). */
export function poxRequestBody(address: string): string {
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<Autodiscover xmlns="${poxRequestNamespace}">`,
    `  <Request>`,
    `    <EMailAddress>${escapeXml(address)}</EMailAddress>`,
    `    <AcceptableResponseSchema>${poxResponseSchema}</AcceptableResponseSchema>`,
    `  </Request>`,
    `</Autodiscover>`,
    ``,
  ].join("\n");
}

export function parsePoxResponse(body: Buffer | string, ctx: RemediationContext = {}): PoxAnswer {
  return checkedAnswer(parsePoxResponseUnchecked(body, ctx), ctx);
}

function parsePoxResponseUnchecked(body: Buffer | string, ctx: RemediationContext = {}): PoxAnswer {
  const parsed = parseAnswerXml(body, ctx);
  if (!parsed.ok) return { kind: "invalid", failure: parsed.failure };
  const root = parsed.value;
  const response = child(root, "Response");
  if (root.name !== "Autodiscover" || !response) {
    return invalid(`Expected an Autodiscover response, got <${root.name}>.`, ctx);
  }
  const account = child(response, "Account");
  const error = child(response, "Error") ?? child(account, "Error");
  if (error) {
    return {
      kind: "error",
      errorCode: text(child(error, "ErrorCode")) ?? "",
      message: text(child(error, "Message")) ?? "",
    };
  }
  if (!account) return invalid("The Autodiscover response has neither Account nor Error.", ctx);
  const action = text(child(account, "Action"))?.toLowerCase();
  switch (action) {
    case "redirectaddr": {
      const address = text(childIgnoreCase(account, "RedirectAddr"));
      return address ? { kind: "redirect-address", address } : invalid("Action redirectAddr without RedirectAddr.", ctx);
    }
    case "redirecturl": {
      const url = text(childIgnoreCase(account, "RedirectUrl"));
      return url ? { kind: "redirect-url", url } : invalid("Action redirectUrl without RedirectUrl.", ctx);
    }
    case "settings":
      return settingsFrom(account, ctx);
    default:
      return invalid(`Unknown Autodiscover Action "${action ?? ""}".`, ctx);
  }
}

function settingsFrom(account: XmlElement, ctx: RemediationContext): PoxAnswer {
  const protocols = children(account, "Protocol");
  // Newer servers describe some protocols with a Type attribute instead of a Type element.
  const ofType = (type: string) =>
    protocols.find((p) => (text(child(p, "Type")) ?? p.attrs.get("Type") ?? "").toUpperCase() === type);
  const exch = ofType("EXCH");
  const expr = ofType("EXPR");
  const answer = settingsAnswer(
    ewsUrlOf(expr),
    ewsUrlOf(exch),
    buildFromPoxServerVersion(text(child(exch, "ServerVersion"))) ??
      buildFromPoxServerVersion(text(child(expr, "ServerVersion"))),
  );
  return answer ?? invalid("Autodiscover answered settings without an EWS URL (EwsUrl or ASUrl).", ctx);
}

function ewsUrlOf(protocol: XmlElement | undefined): string | undefined {
  return text(child(protocol, "EwsUrl")) ?? text(child(protocol, "ASUrl"));
}

function invalid(message: string, context: RemediationContext): PoxAnswer {
  return { kind: "invalid", failure: makeFailure("invalid-response", { code: "autodiscover-unexpected", message, context }) };
}
