import { makeFailure } from "../diagnosis/failure.js";
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
  if (via === "redirect-url" && trail.urls.has(visitKey(address, url))) return loop(session, `the URL ${url} came back`);
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
  const chosen = mostTelling(failures);
  const others = failures.filter((f) => f !== chosen).map((f) => `${f.category} (${f.code})`);
  const suffix = others.length > 0 ? ` Other Autodiscover endpoints: ${[...new Set(others)].join(", ")}.` : "";
  return { ...chosen, message: `${chosen.message}${suffix}` };
}
