import type { Profile } from "../config/profile.js";
import { microsoft365Domains } from "../util/hosts.js";

/** The domains that may receive the profile's credentials: its user name's, its mailboxes', those it lists. */
export function credentialDomains(profile: Pick<Profile, "auth" | "mailboxes" | "trustedDomains" | "serverType" | "incomingUrl" | "outgoingUrl">): Set<string> {
  const domains = new Set<string>();
  const add = (domain: string | undefined) => domain && domains.add(domain.toLowerCase());
  if (profile.auth.kind !== "oauth" || profile.auth.username !== undefined) add(domainOf(profile.auth.username ?? ""));
  for (const m of profile.mailboxes) add(domainOf(m.address));
  for (const d of profile.trustedDomains) add(d);
  for (const url of [profile.incomingUrl, profile.outgoingUrl]) if (url) add(new URL(url).hostname);
  if (profile.serverType !== "exchange-server") for (const d of microsoft365Domains) add(d);
  return domains;
}

export function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  return at < 0 ? undefined : address.slice(at + 1).toLowerCase();
}
