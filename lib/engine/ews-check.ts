import { classifyEwsError } from "../diagnosis/classify.js";
import { classifyHttpStatus, redactFault } from "../exchange/classify-http.js";
import { redactFailure } from "../diagnosis/redact.js";
import { makeFailure } from "../diagnosis/failure.js";
import { getFolderRequestBody, parseGetFolderResponse, type FolderResults, type RequestServerVersion, type DistinguishedFolder } from "../exchange/ews-getfolder.js";
import { formatBuild, isSupported, productOf, type ServerBuild } from "../exchange/server-version.js";
import type { Failure } from "../model/failure.js";
import type { ProbeSession } from "./session.js";

/**
 * How far a failed request got: no HTTP answer (not sent, DNS, TCP, TLS, timeout), an HTTP answer that is not EWS's
 * (401, 403, a proxy's page), or EWS itself (a SOAP fault, a build too old).
 */
export type EwsReach = "no-answer" | "http" | "ews";

/** What one GetFolder said: either per-folder answers, or one failure for the whole request. */
export type EwsAnswer =
  | { kind: "folders"; url: string; folders: FolderResults; server?: ServerBuild; elapsedMs: number }
  | { kind: "failed"; url: string; failure: Failure; server?: ServerBuild; elapsedMs: number; reached: EwsReach };

/** One GetFolder impersonating `address`, with X-AnchorMailbox, retried once in Exchange 2010's dialect if the server wants it. */
export async function getFolders(
  session: ProbeSession,
  url: string,
  address: string,
  folders: readonly DistinguishedFolder[],
  version: RequestServerVersion = "Exchange2013_SP1",
): Promise<EwsAnswer> {
  let answer = await getFoldersOnce(session, url, address, folders, version);
  if (answer.kind === "failed" && answer.failure.code === "ErrorInvalidServerVersion" && version !== "Exchange2010_SP2") {
    answer = await getFoldersOnce(session, url, address, folders, "Exchange2010_SP2");
  }
  return answer.kind === "failed" ? { ...answer, failure: redactFailure(answer.failure, session.redact) } : answer;
}

async function getFoldersOnce(
  session: ProbeSession,
  url: string,
  address: string,
  folders: readonly DistinguishedFolder[],
  version: RequestServerVersion,
): Promise<EwsAnswer> {
  const host = new URL(url).hostname;
  const context = session.context({ address, host });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (!session.mayReceiveCredentials(url)) {
    const failure = makeFailure(new URL(url).protocol === "https:" ? "autodiscover-redirect-refused" : "insecure-url", {
      code: "EwsUrl",
      message: `The EWS URL ${url} is outside the profile's domains or not https; no credentials were sent`,
      context,
    });
    return { kind: "failed", url, failure, elapsedMs: elapsed(), reached: "no-answer" };
  }
  const reply = await session.sendWithCredentials({
    url,
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", "x-anchormailbox": address },
    body: getFolderRequestBody({ address, requestServerVersion: version, folders }),
  });
  if (!reply.ok) return { kind: "failed", url, failure: reply.failure, elapsedMs: elapsed(), reached: "no-answer" };
  const { status, headers, body } = reply.value;
  if (status !== 500) {
    const failure = classifyHttpStatus({ status, headers, body, authUsed: session.authScheme, ctx: context, redact: session.redact });
    if (failure) return { kind: "failed", url, failure, elapsedMs: elapsed(), reached: "http" };
  }
  const parsed = parseGetFolderResponse(status, body, { folders, context });
  switch (parsed.kind) {
    case "invalid":
      return { kind: "failed", url, failure: parsed.failure, elapsedMs: elapsed(), reached: "http" };
    case "fault": {
      const failure = classifyEwsError(redactFault(parsed, session.redact), context);
      return withServer({ kind: "failed", url, failure, elapsedMs: elapsed(), reached: "ews" }, parsed.server);
    }
    case "folders": {
      if (parsed.server !== undefined && !isSupported(parsed.server)) {
        const failure = makeFailure("unsupported-version", {
          code: formatBuild(parsed.server),
          message: `${host} runs ${productOf(parsed.server)} (${formatBuild(parsed.server)}), older than Exchange 2010 SP3`,
          context,
        });
        return withServer({ kind: "failed", url, failure, elapsedMs: elapsed(), reached: "ews" }, parsed.server);
      }
      return withServer({ kind: "folders", url, folders: parsed.folders, elapsedMs: elapsed() }, parsed.server);
    }
  }
}

function withServer<T extends EwsAnswer>(answer: T, server: ServerBuild | undefined): T {
  if (server !== undefined) answer.server = server;
  return answer;
}
