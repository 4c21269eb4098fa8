import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { parseXml, type ParseXmlOptions, type XmlElement } from "../xml/safe-parse.js";

/** An Exchange answer's body as XML, or the diagnosis of why it is not: the remediation names `context`'s host and mailbox. */
export function parseAnswerXml(body: Buffer | string, context: RemediationContext = {}, options: ParseXmlOptions = {}): Outcome<XmlElement> {
  const parsed = parseXml(body, options);
  if (parsed.ok) return succeed(parsed.value);
  const { category, code, message } = parsed.problem;
  return fail(makeFailure(category, { code, message, context }));
}
