import { TokenCache } from "../../lib/auth/index.js";
import { parseProfile, type Profile, type ProfileInput } from "../../lib/config/profile.js";
import type { ProbeEnvironment } from "../../lib/engine/open-session.js";
import { openSession } from "../../lib/engine/open-session.js";
import type { ProbeSession } from "../../lib/engine/session.js";
import { demoOrganisation, startSimulatedOrg, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { demoProfiles, demoSecretSettings } from "../../sim/demo-profiles.js";

export async function startDemoSim(spec: OrgSpec = demoOrganisation()): Promise<SimulatedOrg> {
  return startSimulatedOrg(spec);
}

/** The network and secrets a probe needs to reach the simulator (its DNS server, its CA, its ports), and a new token cache. */
export function simEnvironment(sim: SimulatedOrg, env: Record<string, string> = {}): ProbeEnvironment {
  return {
    env: { ...demoSecretSettings(), ...env },
    network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) },
    tokens: new TokenCache(),
    timeouts: { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000, totalMs: 5_000 },
  };
}

export function demoProfile(id: string, change: (p: ProfileInput) => ProfileInput = (p) => p): Profile {
  const input = demoProfiles().find((p) => p.id === id);
  if (!input) throw new Error(`no demo profile ${id}`);
  const parsed = parseProfile(change(structuredClone(input)));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.profile;
}

export function sessionFor(sim: SimulatedOrg, profile: Profile, env: Record<string, string> = {}): ProbeSession {
  const session = openSession(profile, profile.maxConcurrentConnections, simEnvironment(sim, env));
  if (!session.ok) throw new Error(session.failure.message);
  return session.value;
}
