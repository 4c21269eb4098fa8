import type { ProfileInput } from "../lib/config/profile.js";
import { throwawaySecret } from "../sim/index.js";
import type { OrgSpec } from "../sim/index.js";

export const benchPassword = throwawaySecret("bench");
export const benchSecrets = { BENCH_PASSWORD: benchPassword };

export const domainOf = (profile: number): string => `p${profile}.bench.test`;
export const ewsHostOf = (profile: number): string => `mail.${domainOf(profile)}`;
export const autodiscoverHostOf = (profile: number): string => `autodiscover.${domainOf(profile)}`;
export const profileIdOf = (profile: number): string => `bench-p${profile}`;

/** Is mailbox m one of the stragglers? Spread evenly: exactly floor(M × fraction) of the first M mailboxes. */
export function isStraggler(m: number, fraction: number): boolean {
  return Math.floor((m + 1) * fraction) > Math.floor(m * fraction);
}

/** How many of `mailboxes` are stragglers. */
export function stragglerCount(mailboxes: number, fraction: number): number {
  return Math.floor(mailboxes * fraction);
}

/**
 * P organisations, one per profile (its own domain, so the simulator counts connections per profile): an
 * Autodiscover host with no latency and one EWS host with `latencyMs` per answer, `mailboxes` healthy mailboxes each;
 * with `stragglers`, that fraction of them answers EWS only after `stallMs` (beyond the app's EWS timeout).
 */
export function benchOrganisation(profiles: number, mailboxes: number, latencyMs: number, stragglers?: { fraction: number; stallMs: number }): OrgSpec {
  const spec: OrgSpec = { domains: [], servers: [], mailboxes: [], serviceAccounts: [] };
  for (let p = 0; p < profiles; p++) {
    const domain = domainOf(p);
    spec.domains.push({ name: domain });
    spec.servers.push({ name: autodiscoverHostOf(p), ews: false, autodiscover: true });
    spec.servers.push({ name: ewsHostOf(p), build: "15.1.2507.6", knobs: { latencyMs } });
    for (let m = 0; m < mailboxes; m++) {
      const stall = stragglers !== undefined && isStraggler(m, stragglers.fraction);
      spec.mailboxes.push({ address: `user${m}@${domain}`, server: ewsHostOf(p), ...(stall ? { knobs: { stallMs: stragglers.stallMs } } : {}) });
    }
    spec.serviceAccounts!.push({ upn: `svc@${domain}`, password: benchPassword, impersonation: "all" });
  }
  return spec;
}

export function benchProfile(profile: number, mailboxes: number, maxConcurrentConnections: number): ProfileInput {
  const domain = domainOf(profile);
  return {
    id: profileIdOf(profile),
    name: `Bench ${domain}`,
    serverType: "exchange-server",
    owner: `admin@${domain}`,
    auth: { kind: "basic", username: `svc@${domain}`, passwordSetting: "BENCH_PASSWORD" },
    pollingIntervalMinutes: 5,
    maxConcurrentConnections,
    mailboxes: Array.from({ length: mailboxes }, (_, m) => ({ address: `user${m}@${domain}`, approved: true })),
  };
}
