import { expect } from "vitest";
import { throwawaySecret } from "../../sim/index.js";
import { TokenCache } from "../../lib/auth/index.js";
import { parseProfile, type Profile, type ProfileInput } from "../../lib/config/profile.js";
import type { Failure } from "../../lib/model/failure.js";
import type { Timeouts } from "../../lib/net/index.js";
import { checkMailbox, type MailboxCheckResult } from "../../lib/engine/mailbox-check.js";
import { openSession, type ProbeEnvironment } from "../../lib/engine/open-session.js";
import type { ProbeSession } from "../../lib/engine/session.js";
import { startSimulatedOrg, type MailboxSpec, type OrgSpec, type ServerKnobs, type ServerSpec, type SimulatedOrg } from "../../sim/index.js";
import type { ImpersonationScope } from "../../sim/spec.js";

/** Small organisations built per case: one service account that may impersonate everyone. */
export const password = throwawaySecret("engine");
export const passwordSetting = "ENGINE_PASSWORD";
export const tenant = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
export const clientId = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
export const clientSecret = throwawaySecret("engine-client");
export const allChannels = { incoming: true, outgoing: true, appointmentsContactsTasks: true };

/** Fast enough for the suite, slow enough for a loaded machine: used by every case that expects an answer. */
export const normalTimeouts: Timeouts = { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000, totalMs: 5_000 };
/** For the cases that must time out: a hanging server or a stalled handshake. */
export const shortTimeouts: Timeouts = { connectMs: 300, headersMs: 400, bodyMs: 400, totalMs: 1_500 };

export function org(parts: { domains?: OrgSpec["domains"]; servers: ServerSpec[]; mailboxes: MailboxSpec[] } & Partial<OrgSpec>): OrgSpec {
  return {
    domains: [{ name: "contoso.com" }],
    serviceAccounts: [{ upn: "svc@contoso.com", password, impersonation: "all" }],
    ...parts,
  };
}

/** A basic-auth on-premises profile for svc@contoso.com; `change` edits the input before validation. */
export function profile(change: (p: ProfileInput) => ProfileInput = (p) => p): Profile {
  const input: ProfileInput = {
    id: "engine",
    name: "Engine tests",
    serverType: "exchange-server",
    owner: "admin@contoso.com",
    auth: { kind: "basic", username: "svc@contoso.com", passwordSetting },
    maxConcurrentConnections: 10,
    mailboxes: [{ address: "user@contoso.com", approved: true }],
  };
  const parsed = parseProfile(change(input));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.profile;
}

/** Autodiscover off: EWS at this URL for incoming and outgoing. */
export function direct(url: string): (p: ProfileInput) => ProfileInput {
  return (p) => ({ ...p, autodiscover: false, incomingUrl: url, outgoingUrl: url });
}

/** NTLM as svc@contoso.com, with autodiscover off and EWS at this URL. */
export function ntlmAt(url: string): (p: ProfileInput) => ProfileInput {
  return (p) => direct(url)({ ...p, auth: { kind: "ntlm", username: "svc@contoso.com", passwordSetting } });
}

export const onlineEws = "https://outlook.office365.com/EWS/Exchange.asmx";

/** Exchange Online for tailspintoys.com: user@tailspintoys.com on outlook.office365.com, and the test app (tenant, clientId). */
export function onlineOrg(knobs?: Partial<ServerKnobs>, impersonation: ImpersonationScope = ["@tailspintoys.com"]): OrgSpec {
  return {
    domains: [{ name: "tailspintoys.com" }],
    servers: [{ name: "outlook.office365.com", build: "15.20.7452.28", auth: ["bearer"], group: "tailspintoys.com", ...(knobs === undefined ? {} : { knobs }) }],
    mailboxes: [{ address: "user@tailspintoys.com", server: "outlook.office365.com" }],
    oauthApps: [{ tenant, clientId, clientSecret, impersonation }],
  };
}

/** An Exchange Online profile for user@tailspintoys.com: the test app's client secret, autodiscover off, EWS at onlineEws. */
export function onlineProfile(p: ProfileInput): ProfileInput {
  return {
    ...p,
    serverType: "exchange-online",
    owner: "admin@tailspintoys.com",
    autodiscover: false,
    incomingUrl: onlineEws,
    outgoingUrl: onlineEws,
    auth: { kind: "oauth", tenantId: tenant, clientId, clientSecretSetting: "ENGINE_CLIENT_SECRET" },
    mailboxes: [{ address: "user@tailspintoys.com", approved: true }],
  };
}

export interface SessionOptions {
  env?: Record<string, string>;
  timeouts?: Timeouts;
  maxConnections?: number;
}

export function environment(sim: SimulatedOrg, options: SessionOptions = {}): ProbeEnvironment {
  return {
    env: { [passwordSetting]: password, ENGINE_CLIENT_SECRET: clientSecret, ...options.env },
    network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) },
    tokens: new TokenCache(),
    timeouts: options.timeouts ?? normalTimeouts,
  };
}

export function open(sim: SimulatedOrg, p: Profile, options: SessionOptions = {}): ProbeSession {
  const session = openSession(p, options.maxConnections ?? p.maxConcurrentConnections, environment(sim, options));
  if (!session.ok) throw new Error(session.failure.message);
  return session.value;
}

/** Starts the organisation, opens a session for the profile, and always closes both. */
export async function withOrg<T>(spec: OrgSpec, p: Profile, options: SessionOptions, run: (sim: SimulatedOrg, session: ProbeSession) => Promise<T>): Promise<T> {
  const sim = await startSimulatedOrg(spec);
  const session = open(sim, p, options);
  try {
    return await run(sim, session);
  } finally {
    await session.close();
    await sim.stop();
  }
}

export function checkOne(session: ProbeSession, address: string, cachedEwsUrl?: string): Promise<MailboxCheckResult> {
  return checkMailbox(session, cachedEwsUrl === undefined ? { address, wanted: allChannels } : { address, wanted: allChannels, cachedEwsUrl });
}

/** The hosts of the org (and the token host) inside these domains: the only ones that may see credentials. */
export function hostsWithin(spec: OrgSpec, domains: string[], extra: string[] = []): string[] {
  const inside = (host: string) => domains.some((d) => host === d || host.endsWith(`.${d}`));
  return [...spec.servers.map((s) => s.name.toLowerCase()).filter(inside), ...extra];
}

/** Invariant 3: nothing over http, nothing outside the profile's domains. */
export function expectNoLeak(sim: SimulatedOrg, spec: OrgSpec, domains: string[], extra: string[] = []): void {
  expect(sim.counters.leakedCredentials(hostsWithin(spec, domains, extra))).toEqual([]);
}

export type Expected = Pick<Failure, "category" | "code" | "transient"> & { retryAfterMs?: number };

export function essentials(failure: Failure | undefined): Expected | undefined {
  if (failure === undefined) return undefined;
  const e: Expected = { category: failure.category, code: failure.code, transient: failure.transient };
  if (failure.retryAfterMs !== undefined) e.retryAfterMs = failure.retryAfterMs;
  return e;
}
