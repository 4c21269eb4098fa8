/** Exchange Online's EWS host in each national cloud (the profile's `auth.cloud`): its resource for tokens too. */
export const exchangeOnlineEwsHosts = {
  public: "outlook.office365.com",
  usgov: "outlook.office365.us",
  "usgov-dod": "outlook-dod.office365.us",
  china: "partner.outlook.cn",
} as const;

/** Microsoft 365's own Autodiscover and EWS hosts' domains, trusted for Exchange Online and hybrid profiles. */
export const microsoft365Domains = ["outlook.office365.com", "outlook.com", "office365.com", "office365.us", "partner.outlook.cn"] as const;

const microsoft365 = new Set<string>(microsoft365Domains);

/** A host is inside a domain when it is the domain or one of its subdomains. */
export function isHostAllowed(host: string, domains: ReadonlySet<string>): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  for (const d of domains) if (h === d || h.endsWith(`.${d}`)) return true;
  return false;
}

/** Whether the host is one of Exchange Online's own. */
export const isMicrosoft365Host = (host: string): boolean => isHostAllowed(host, microsoft365);
