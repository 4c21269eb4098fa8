import { longestServerWaitMs } from "../model/failure.js";
import { attr, child, children, descendant, path, text, type XmlElement } from "../xml/element.js";

/** A SOAP fault reduced to what diagnosis needs. */
export interface SoapFault {
  /** EWS `detail/ResponseCode` when present, else the fault code without its prefix. */
  responseCode: string;
  message: string;
  /** From `MessageXml/Value Name="BackOffMilliseconds"` (ErrorServerBusy). */
  backOffMs?: number;
}

/** The fault inside a SOAP Body (1.1 or 1.2), or undefined when the body holds none. */
export function soapFaultOf(body: XmlElement | undefined): SoapFault | undefined {
  const fault = child(body, "Fault");
  if (!fault) return undefined;
  const detail = child(fault, "detail") ?? child(fault, "Detail");
  const faultCode = text(child(fault, "faultcode")) ?? text(path(fault, "Code", "Subcode", "Value")) ?? text(path(fault, "Code", "Value"));
  const responseCode = text(child(detail, "ResponseCode")) ?? withoutPrefix(faultCode) ?? "";
  const message = text(child(detail, "Message")) ?? text(child(fault, "faultstring")) ?? text(path(fault, "Reason", "Text")) ?? "";
  const result: SoapFault = { responseCode, message };
  const backOffMs = backOffFrom(descendant(detail, "MessageXml"));
  if (backOffMs !== undefined) result.backOffMs = backOffMs;
  return result;
}

/** `<t:MessageXml><t:Value Name="BackOffMilliseconds">297749</t:Value></t:MessageXml>` → 297749. */
export function backOffFrom(messageXml: XmlElement | undefined): number | undefined {
  const value = children(messageXml, "Value").find((v) => attr(v, "Name") === "BackOffMilliseconds");
  const digits = text(value);
  return digits !== undefined && /^\d{1,12}$/.test(digits) ? Math.min(Number(digits), longestServerWaitMs) : undefined;
}

function withoutPrefix(qname: string | undefined): string | undefined {
  return qname?.slice(qname.lastIndexOf(":") + 1);
}
