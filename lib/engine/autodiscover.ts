import { makeFailure } from "../diagnosis/failure.js";
import { classifyAutodiscoverError } from "../diagnosis/classify.js";
import { classifyHttpStatus, redactFault } from "../exchange/classify-http.js";
import { redactFailure } from "../diagnosis/redact.js";
import type { AutodiscoverAnswer } from "../exchange/autodiscover-answer.js";
import { parsePoxResponse, poxRequestBody } from "../exchange/autodiscover-pox.js";
import { getUserSettingsAction, getUserSettingsRequestBody, parseGetUserSettingsResponse } from "../exchange/autodiscover-soap.js";
import type { ServerBuild } from "../exchange/server-version.js";
import type { Failure } from "../model/failure.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { headerValue } from "../net/index.js";
import { checkRedirectLocation, httpsCandidates, orderSrvTargets, redirectProbeUrl, soapUrlFor } from "./autodiscover-candidates.js";
import { domainOf } from "./domains.js";
import { loop, refuseUrl, summarize, visited, visitKey, type Trail } from "./autodiscover-guard.js";
import { mostTelling } from "./failure-rank.js";
import type { ProbeSession } from "./session.js";

export interface Discovery {
  address: string;
  ewsUrl: string;
  /** The Autodiscover URL that answered. */
  via: string;
  server?: ServerBuild;
}

const maxRedirects = 10;

type Attempt = { kind: "answer"; url: string; answer: AutodiscoverAnswer } | { kind: "failed"; url: string; failure: Failure };


/** The whole Autodiscover algorithm of the protocol notes, for one address; a failure never quotes a secret back. */
export async function discover(session: ProbeSession, address: string): Promise<Outcome<Discovery>> {
  const outcome = await discoverAddress(session, address);
  return outcome.ok ? outcome : fail(redactFailure(outcome.failure, session.redact));
}

async function discoverAddress(session: ProbeSession, address: string): Promise<Outcome<Discovery>> {
  const trail: Trail = { addresses: new Set(), urls: new Set(), redirects: 0, failures: [] };
  let current = address.toLowerCase();
  for (;;) {
    if (trail.addresses.has(current)) return fail(loop(session, `the address ${current} came back`));
    trail.addresses.add(current);
    const domain = domainOf(current);
    if (domain === undefined) {
      return fail(makeFailure("credential-format", { code: "InvalidAddress", message: `"${current}" is not an email address`, context: session.context({ address: current }) }));
    }
    const attempt = await askDomain(session, current, domain, trail);
    if (attempt === undefined) break;
    const outcome = await follow(session, current, attempt, trail);
    if (outcome.kind === "done") return outcome.result;
    if (++trail.redirects > maxRedirects) return fail(loop(session, `more than ${maxRedirects} redirects`));
    current = outcome.address;
  }
  return fail(summarize(session, address, trail.failures));
}

type Step = { kind: "done"; result: Outcome<Discovery> } | { kind: "restart"; address: string };

/** Follows redirect URLs until an answer that settles this address, or a new address to start again with. */
async function follow(session: ProbeSession, address: string, first: Attempt & { kind: "answer" }, trail: Trail): Promise<Step> {
  let attempt: Attempt = first;
  for (;;) {
    if (attempt.kind === "failed") {
      trail.failures.push(attempt.failure);
      return { kind: "done", result: fail(summarize(session, address, trail.failures)) };
    }
    const { answer, url } = attempt;
    switch (answer.kind) {
      case "settings": {
        const discovery: Discovery = { address, ewsUrl: answer.ewsUrl, via: url };
        if (answer.server !== undefined) discovery.server = answer.server;
        return { kind: "done", result: succeed(discovery) };
      }
      case "error": {
        const { responseCode, message } = redactFault({ responseCode: answer.errorCode, message: answer.message }, session.redact);
        return { kind: "done", result: fail(classifyAutodiscoverError(responseCode, message, session.context({ address, host: new URL(url).hostname }))) };
      }
      case "invalid":
        return { kind: "done", result: fail(answer.failure) };
      case "redirect-address":
        return { kind: "restart", address: answer.address.toLowerCase() };
      case "redirect-url": {
        if (++trail.redirects > maxRedirects) return { kind: "done", result: fail(loop(session, `more than ${maxRedirects} redirects`)) };
        const refused = refuseUrl(session, answer.url, address, trail);
        if (refused) return { kind: "done", result: fail(refused) };
        attempt = await askEndpoint(session, answer.url, address, trail);
      }
    }
  }
}

/** The https candidates (in parallel), then the plain-http redirect probe, then DNS SRV. */
async function askDomain(session: ProbeSession, address: string, domain: string, trail: Trail): Promise<(Attempt & { kind: "answer" }) | undefined> {
  const refused = refuseUrl(session, httpsCandidates(domain)[0]!, address, trail, "redirect-address");
  if (refused) {
    trail.failures.push(refused);
    return undefined;
  }
  const first = await firstAnswer(httpsCandidates(domain).map((url) => askEndpoint(session, url, address, trail)), trail);
  if (first) return first;

  const redirected = await httpRedirectProbe(session, domain, trail);
  // The probe's Location often names a candidate already asked (autodiscover.<domain>): nothing new, and no loop,
  // since no answer was followed there.
  if (redirected !== undefined && !visited(trail, address, redirected)) {
    const refusal = refuseUrl(session, redirected, address, trail);
    if (refusal) trail.failures.push(refusal);
    else {
      trail.redirects += 1;
      const attempt = await askEndpoint(session, redirected, address, trail);
      if (attempt.kind === "answer") return attempt;
      trail.failures.push(attempt.failure);
    }
  }

  const srv = await session.connections.resolveSrv(`_autodiscover._tcp.${domain}`);
  if (!srv.ok) return undefined;
  for (const url of orderSrvTargets(srv.value)) {
    if (visited(trail, address, url)) continue;
    const refusal = refuseUrl(session, url, address, trail);
    if (refusal) {
      trail.failures.push(refusal);
      continue;
    }
    const attempt = await askEndpoint(session, url, address, trail);
    if (attempt.kind === "answer") return attempt;
    trail.failures.push(attempt.failure);
  }
  return undefined;
}

/** The first candidate that gives a real Autodiscover answer wins; the others' failures are kept for the diagnosis. */
async function firstAnswer(attempts: Promise<Attempt>[], trail: Trail): Promise<(Attempt & { kind: "answer" }) | undefined> {
  return new Promise((resolve) => {
    let pending = attempts.length;
    for (const attempt of attempts) {
      void attempt.then((a) => {
        pending -= 1;
        if (a.kind === "answer") resolve(a);
        else trail.failures.push(a.failure);
        if (pending === 0) resolve(undefined);
      });
    }
  });
}

/** POX first; when that endpoint does not speak POX, SOAP GetUserSettings on the same host. */
async function askEndpoint(session: ProbeSession, url: string, address: string, trail: Trail): Promise<Attempt> {
  trail.urls.add(visitKey(address, url));
  const pox = await postAutodiscover(session, url, address, "pox");
  if (pox.kind === "answer" && pox.answer.kind !== "invalid") return pox;
  if (pox.kind === "failed" && !worthTryingSoap(pox.failure)) return pox;
  const soap = await postAutodiscover(session, soapUrlFor(url), address, "soap");
  if (soap.kind === "answer" && soap.answer.kind !== "invalid") return soap;
  const poxFailure = failureOf(pox);
  const soapFailure = failureOf(soap);
  // POX's 404 only says this host has no POX; SOAP's 401 is what the endpoint thinks of our credentials.
  const failure = mostTelling([poxFailure, soapFailure]);
  return { kind: "failed", url: failure === soapFailure ? soapUrlFor(url) : url, failure };
}

/** The failure of an attempt that failed, or that answered with something invalid. */
function failureOf(attempt: Attempt): Failure {
  return attempt.kind === "failed" ? attempt.failure : (attempt.answer as { failure: Failure }).failure;
}

function worthTryingSoap(failure: Failure): boolean {
  return failure.category === "http-status" || failure.category === "invalid-response";
}

async function postAutodiscover(session: ProbeSession, url: string, address: string, flavour: "pox" | "soap"): Promise<Attempt> {
  const host = new URL(url).hostname;
  const context = session.context({ address, host });
  const headers: Record<string, string> =
    flavour === "pox"
      ? { "content-type": "text/xml; charset=utf-8" }
      : { "content-type": "text/xml; charset=utf-8", soapaction: `"${getUserSettingsAction}"` };
  const body = flavour === "pox" ? poxRequestBody(address) : getUserSettingsRequestBody(address, url);
  const reply = await session.sendWithCredentials({ url, method: "POST", headers, body });
  if (!reply.ok) return { kind: "failed", url, failure: reply.failure };
  const { status } = reply.value;
  if (status >= 300 && status < 400) {
    const location = headerValue(reply.value.headers, "location");
    const target = location ? checkRedirectLocation(location, url) : undefined;
    if (target?.ok) return { kind: "answer", url, answer: { kind: "redirect-url", url: target.url } };
  }
  const failure = classifyHttpStatus({ status, headers: reply.value.headers, body: reply.value.body, authUsed: session.authScheme, ctx: context, redact: session.redact });
  if (failure) return { kind: "failed", url, failure };
  const answer = flavour === "pox" ? parsePoxResponse(reply.value.body, context) : parseGetUserSettingsResponse(reply.value.body, context);
  return { kind: "answer", url, answer };
}

/** The unauthenticated GET whose 30x Location names the real Autodiscover endpoint. */
async function httpRedirectProbe(session: ProbeSession, domain: string, trail: Trail): Promise<string | undefined> {
  const url = redirectProbeUrl(domain);
  const reply = await session.sendAnonymous({ url, method: "GET", timeouts: { totalMs: 15_000 } });
  if (!reply.ok) {
    trail.failures.push(reply.failure);
    return undefined;
  }
  if (![301, 302, 303, 307, 308].includes(reply.value.status)) return undefined;
  const target = checkRedirectLocation(headerValue(reply.value.headers, "location"), url);
  if (!target.ok) {
    trail.failures.push(makeFailure("autodiscover-redirect-refused", { code: String(reply.value.status), message: target.reason, context: session.context({ host: `autodiscover.${domain}` }) }));
    return undefined;
  }
  return target.url;
}
