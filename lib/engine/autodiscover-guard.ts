import { makeFailure } from "../diagnosis/failure.js";
import { joinSentences } from "../diagnosis/text.js";
import type { Failure } from "../model/failure.js";
import { mostTelling } from "./failure-rank.js";
import type { ProbeSession } from "./session.js";

/** The guards of Autodiscover: where credentials may go, when redirects become a loop, and what to report when nothing answered. */

/** Where discovery stands: addresses and URLs already visited, and redirects used, across restarts. */
export interface Trail {
  addresses: Set<string>;
  urls: Set<string>;
  redirects: number;
  failures: Failure[];
}

/** A URL we will not send credentials to: not https, outside the profile's domains, or already visited. */
export function refuseUrl(session: ProbeSession, url: string, address: string, trail: Trail, via: "redirect-url" | "redirect-address" = "redirect-url"): Failure | undefined {
  const parsed = new URL(url);
  if (via === "redirect-url" && visited(trail, address, url)) return loop(session, `the URL ${url} came back`);
  if (parsed.protocol !== "https:") {
    return makeFailure("insecure-url", { code: via, message: `Autodiscover pointed at ${url}, which is not https; no credentials were sent`, context: session.context({ host: parsed.hostname }) });
  }
  if (!session.mayReceiveCredentials(url)) {
    return makeFailure("autodiscover-redirect-refused", {
      code: via,
      message: `Autodiscover led to ${parsed.hostname}, outside the profile's domains (${[...session.allowedDomains].join(", ")}); no credentials were sent there`,
      context: session.context({ host: parsed.hostname }),
    });
  }
  return undefined;
}

/** Whether this endpoint was already asked about this address. */
export function visited(trail: Trail, address: string, url: string): boolean {
  return trail.urls.has(visitKey(address, url));
}

/** Asking the same endpoint about another address is no loop; asking it again about the same one is. */
export function visitKey(address: string, url: string): string {
  return `${address} ${url.toLowerCase()}`;
}

export function loop(session: ProbeSession, why: string): Failure {
  return makeFailure("autodiscover-redirect-loop", { code: "RedirectLoop", message: `Autodiscover redirected in a loop: ${why}`, context: session.context() });
}

/** When no endpoint answered, the most telling failure speaks for all, with the others listed. */
export function summarize(session: ProbeSession, address: string, failures: Failure[]): Failure {
  // No candidate host exists at all (every name is unknown to DNS): that is no Autodiscover endpoint, not a DNS outage.
  const nameUnknown = (f: Failure) => f.category === "dns" && (f.code === "ENOTFOUND" || f.code === "ENODATA");
  if (failures.every(nameUnknown)) {
    const tried = failures.length > 0 ? ` (${failures.length} candidate host names do not resolve, and no _autodiscover._tcp SRV record led anywhere)` : "";
    return makeFailure("autodiscover-error", { code: "NoEndpoint", message: `No Autodiscover endpoint answered for ${address}${tried}`, context: session.context({ address }) });
  }
  const refused = refusedCredentials(failures);
  const chosen = refused ?? mostTelling(failures);
  const told = refused === undefined ? [chosen] : failures.filter(isUnauthorized);
  const others = failures.filter((f) => !told.includes(f)).map((f) => `${f.category} (${f.code})`);
  const endpoints = told.length === 1 ? "one endpoint" : `${told.length} endpoints`;
  const lead =
    refused === undefined
      ? chosen.message
      : joinSentences(`Every Autodiscover endpoint that answered refused the credentials of ${session.profile.auth.username ?? "the service account"} (HTTP 401 from ${endpoints})`, chosen.message);
  const suffix = others.length > 0 ? `Other Autodiscover endpoints: ${[...new Set(others)].join(", ")}` : undefined;
  return { ...chosen, message: joinSentences(lead, suffix) };
}

/** Failures that are an endpoint's own answer to our request (as opposed to no answer, or a redirect we refused). */
const answeredCategories: ReadonlySet<Failure["category"]> = new Set<Failure["category"]>([
  "auth-failed",
  "basic-auth-disabled",
  "access-denied",
  "http-status",
  "server-busy",
  "invalid-response",
  "response-too-large",
]);

const isUnauthorized = (f: Failure) => f.category === "auth-failed" || f.category === "basic-auth-disabled";

/**
 * When every endpoint that answered said 401, the credentials are the story, whatever else was tried (names that do
 * not resolve, redirects refused, a 404 where no Autodiscover lives): auth-failed, or basic-auth-disabled when no
 * endpoint's challenge offered Basic.
 */
function refusedCredentials(failures: readonly Failure[]): Failure | undefined {
  const unauthorized = failures.filter(isUnauthorized);
  if (unauthorized.length === 0) return undefined;
  const otherAnswers = failures.filter((f) => answeredCategories.has(f.category) && !isUnauthorized(f) && !(f.category === "http-status" && f.code === "404"));
  if (otherAnswers.length > 0) return undefined;
  return unauthorized.find((f) => f.category === "auth-failed") ?? unauthorized[0];
}
