import type { SrvRecord } from "node:dns";

/** The two https candidates of the protocol notes, in order; they may be asked in parallel. */
export function httpsCandidates(domain: string): string[] {
  return [`https://${domain}/autodiscover/autodiscover.xml`, `https://autodiscover.${domain}/autodiscover/autodiscover.xml`];
}

export function redirectProbeUrl(domain: string): string {
  return `http://autodiscover.${domain}/autodiscover/autodiscover.xml`;
}

/** The SOAP endpoint beside a POX one: same host, `autodiscover.svc`. */
export function soapUrlFor(poxUrl: string): string {
  const url = new URL(poxUrl);
  url.pathname = "/autodiscover/autodiscover.svc";
  return url.toString();
}

export type RedirectCheck = { ok: true; url: string } | { ok: false; reason: string };

/** The unauthenticated http probe's Location must be https and look like an Autodiscover endpoint. */
export function checkRedirectLocation(location: string | undefined, base: string): RedirectCheck {
  if (location === undefined || location.trim() === "") return { ok: false, reason: "the redirect has no Location" };
  let url: URL;
  try {
    url = new URL(location.trim(), base);
  } catch {
    return { ok: false, reason: `the Location "${location}" is not a URL` };
  }
  if (url.protocol !== "https:") return { ok: false, reason: `the Location ${url} is not https` };
  if (!/^\/autodiscover\/([^?#]*\/)?autodiscover\.xml$/i.test(url.pathname)) {
    return { ok: false, reason: `the Location ${url} is not an Autodiscover endpoint` };
  }
  return { ok: true, url: url.toString() };
}

/**
 * SRV targets in the order to try: port 443 only, lowest priority first, and within one priority by
 * weight (RFC 2782's weighted choice, driven by `random` so tests can fix it).
 */
export function orderSrvTargets(records: readonly SrvRecord[], random: () => number = Math.random): string[] {
  const usable = records.filter((r) => r.port === 443 && r.name !== "" && r.name !== ".");
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const ordered: string[] = [];
  for (const priority of priorities) {
    const group = usable.filter((r) => r.priority === priority);
    while (group.length > 0) {
      const total = group.reduce((sum, r) => sum + r.weight, 0);
      let pick = 0;
      if (total > 0) {
        let threshold = random() * total;
        pick = group.findIndex((r) => (threshold -= r.weight) < 0);
        if (pick < 0) pick = group.length - 1;
      }
      ordered.push(`https://${group[pick]!.name.replace(/\.$/, "")}/autodiscover/autodiscover.xml`);
      group.splice(pick, 1);
    }
  }
  return [...new Set(ordered)];
}
