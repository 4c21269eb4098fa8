import { z } from "zod";
import { retryAfter } from "../net/index.js";
import { makeFailure, type FailureDetails } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { noRedaction, type Redact } from "../diagnosis/redact.js";
import { clip } from "../diagnosis/text.js";
import type { Failure, FailureCategory } from "../model/failure.js";

// Only the code decides; a field of the wrong type beside it is named and left out, never the whole error.
const errorSchema = z.object({ error: z.looseObject({ code: z.string() }) });

/** Graph's `{"error":{"code","message","innerError":{...}}}`, when the body is that. */
export interface GraphError {
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  date?: string;
  /** Fields Graph sent with the wrong type (`message`, `innerError.date`, ...), left out. */
  wrongFields?: string[];
}

export function readGraphError(body: unknown): GraphError | undefined {
  let value = body;
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      return undefined;
    }
  }
  const parsed = errorSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const fields: Record<string, unknown> = parsed.data.error;
  const wrong: string[] = [];
  const text = (value: unknown, name: string): string | undefined => {
    if (typeof value === "string" || value === undefined || value === null) return value ?? undefined;
    wrong.push(name);
    return undefined;
  };
  const message = text(fields.message, "message") ?? "";
  const innerName = fields.innerError !== undefined ? "innerError" : "innererror";
  const innerValue = fields[innerName];
  const inner: Record<string, unknown> = innerValue !== null && typeof innerValue === "object" && !Array.isArray(innerValue) ? (innerValue as Record<string, unknown>) : {};
  if (innerValue !== undefined && innerValue !== null && inner !== innerValue) wrong.push(innerName);
  const error: GraphError = { code: parsed.data.error.code, message };
  // Kept as fields of the failure, outside its redacted words: only when they have the shape Graph gives them.
  const requestId = text(inner["request-id"], `${innerName}.request-id`);
  const clientRequestId = text(inner["client-request-id"], `${innerName}.client-request-id`);
  const date = text(inner.date, `${innerName}.date`);
  if (isRequestId(requestId)) error.requestId = requestId;
  if (isRequestId(clientRequestId)) error.clientRequestId = clientRequestId;
  if (date !== undefined && isoDate.test(date)) error.date = date;
  if (wrong.length > 0) error.wrongFields = wrong;
  return error;
}

const requestIdShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isRequestId = (value: string | undefined): value is string => value !== undefined && requestIdShape.test(value);
const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:?\d{2})?$/;

interface Rule {
  category: FailureCategory;
  transient?: boolean;
}

/** Branch on `error.code`, never on the message (the one documented exception is ODataDisabled below). */
const rules: Readonly<Record<string, Rule>> = {
  ErrorInvalidUser: { category: "mailbox-not-found", transient: false },
  ResourceNotFound: { category: "mailbox-not-found", transient: false },
  MailboxNotEnabledForRESTAPI: { category: "mailbox-not-in-cloud", transient: false },
  ErrorAccessDenied: { category: "permission-missing", transient: false },
  Authorization_RequestDenied: { category: "permission-missing", transient: false },
  InvalidAuthenticationToken: { category: "auth-failed", transient: false },
  ApplicationThrottled: { category: "server-busy", transient: true },
  TooManyRequests: { category: "server-busy", transient: true },
  // Graph's 503 asks, like its 429, to be sent again after Retry-After (and EWS's 503 is server-busy too).
  ServiceUnavailable: { category: "server-busy", transient: true },
  serviceNotAvailable: { category: "server-busy", transient: true },
  generalException: { category: "http-status", transient: true },
};

/**
 * ErrorAccessDenied says "Access to OData is disabled." when an application access policy or an RBAC
 * for Applications scope leaves the mailbox out; that sentence is the documented signal, so it alone is read.
 */
const oDataDisabled = /access to odata is disabled/i;

function byStatus(status: number): Rule {
  if (status === 401) return { category: "auth-failed", transient: false };
  if (status === 403) return { category: "access-denied", transient: false };
  if (status === 429 || status === 503) return { category: "server-busy", transient: true };
  return { category: "http-status", transient: status >= 500 };
}

export interface GraphAnswer {
  status: number;
  /** Lower-case names. */
  headers: Readonly<Record<string, string | string[]>>;
  body: unknown;
}

/**
 * What a Graph batch answer that asks to wait holds somewhere in its bytes: an item's 429 or 503 status, or one of the
 * busy codes above. One scan; an answer without it has no item that asks to wait.
 */
export const waitSignal = new RegExp(`"status"\\s*:\\s*(?:429|503)\\b|${Object.keys(rules).filter((code) => rules[code]!.category === "server-busy").join("|")}`);

/** Whether a non-2xx Graph answer (429 or 503) asks to be sent again after a while (its failure would be `server-busy`). */
export function isThrottled(answer: Pick<GraphAnswer, "status" | "body">): boolean {
  return ruleOf(readGraphError(answer.body), answer.status).category === "server-busy";
}

const ruleOf = (error: GraphError | undefined, status: number): Rule => (error !== undefined && Object.hasOwn(rules, error.code) ? rules[error.code]! : byStatus(status));

/** The Failure a non-2xx Graph answer (a whole reply or one batch item) stands for, with Graph's request-id and date. */
export function classifyGraphAnswer(answer: GraphAnswer, context: RemediationContext = {}, now = Date.now(), redact: Redact = noRedaction): Failure {
  const error = readGraphError(answer.body);
  const rule = ruleOf(error, answer.status);
  const category = error?.code === "ErrorAccessDenied" && oDataDisabled.test(error.message) ? "access-policy-denied" : rule.category;
  const code = error === undefined ? String(answer.status) : redact(error.code);
  const ids = [error?.requestId && `request-id ${error.requestId}`, error?.clientRequestId && `client-request-id ${error.clientRequestId}`, error?.date && `date ${/(Z|[+-]\d\d:?\d\d)$/.test(error.date) ? error.date : `${error.date} UTC`}`].filter(Boolean).join(", ");
  // Redacted before clipping: a secret cut in half by the clip would escape the redaction.
  const words = error ? clip(redact(error.message)) || "no message" : "no Graph error body";
  const details: FailureDetails = {
    code,
    message: `Microsoft Graph answered HTTP ${answer.status} ${code}${context.address ? ` for ${context.address}` : ""}: ${words}${ids ? ` (${ids})` : ""}${error?.wrongFields ? `; left out of Graph's error, of the wrong type: ${error.wrongFields.join(", ")}` : ""}`,
    context: { api: "graph", ...context },
  };
  if (rule.transient !== undefined) details.transient = rule.transient;
  if (category === "server-busy") {
    const header = answer.headers["retry-after"];
    const wait = retryAfter(Array.isArray(header) ? header[0] : header, now);
    if (wait !== undefined) details.retryAfterMs = wait;
  }
  const failure = makeFailure(category, details);
  if (error?.requestId !== undefined) failure.requestId = error.requestId;
  if (error?.date !== undefined) failure.date = error.date;
  return failure;
}
