import { exchangeOnlineEwsHosts } from "../util/hosts.js";

/** What the choice reads of a profile and a mailbox (structural, so profile.ts can use it without an import circle). */
export interface ProbeApiProfile {
  api?: "ews" | "graph" | "auto" | undefined;
  serverType: "exchange-server" | "exchange-online" | "exchange-online-hybrid";
  auth: { kind: "basic" | "ntlm" | "oauth" };
}
export interface ProbeApiMailbox {
  location?: "cloud" | "on-premises" | undefined;
}

/** The wire one mailbox is probed through. */
export type ProbeApi = "ews" | "graph";

/** Exchange Online's EWS hosts in the national clouds: a mailbox Autodiscover sends there lives in the cloud. */
const onlineEwsHosts: ReadonlySet<string> = new Set(Object.values(exchangeOnlineEwsHosts));

/**
 * `api: auto` decides per mailbox: Graph for Exchange Online, EWS for Exchange Server. A hybrid
 * profile probes a mailbox through Graph when it lives in the cloud — its `location` says "cloud", or,
 * with no location, the EWS URL Autodiscover gave last time is Exchange Online's — and through EWS
 * otherwise; Graph only ever with app (oauth) credentials.
 */
export function probeApiFor(profile: ProbeApiProfile, mailbox?: ProbeApiMailbox, cachedEwsUrl?: string): ProbeApi {
  if (profile.api === "ews" || profile.api === "graph") return profile.api;
  if (profile.auth.kind !== "oauth") return "ews";
  switch (profile.serverType) {
    case "exchange-server":
      return "ews";
    case "exchange-online":
      return "graph";
    case "exchange-online-hybrid":
      if (mailbox?.location !== undefined) return mailbox.location === "cloud" ? "graph" : "ews";
      // Not placed yet: Graph first (Exchange Online's EWS answers only allow-listed apps, and stops in April 2027);
      // one Graph says is not in the cloud goes through EWS and Autodiscover, which places it on premises.
      return cachedEwsUrl === undefined || onlineEwsHosts.has(hostOf(cachedEwsUrl)) ? "graph" : "ews";
  }
}

/** Whether any mailbox of the profile may go through EWS (a hybrid profile's on-premises ones do). */
export function mayUseEws(profile: ProbeApiProfile): boolean {
  return profile.serverType === "exchange-online-hybrid" ? profile.api !== "graph" : probeApiFor(profile) === "ews";
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}
