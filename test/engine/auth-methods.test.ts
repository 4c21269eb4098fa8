import { describe, expect, it } from "vitest";
import type { ProfileInput } from "../../lib/config/profile.js";
import type { OrgSpec } from "../../sim/index.js";
import { checkOne, direct, essentials, expectNoLeak, ntlmAt, onlineEws, onlineOrg, onlineProfile, org, profile, withOrg, type Expected } from "./support.js";

/** The same mailbox check with Basic, NTLM and OAuth, and each one's wrong secret. */

const ews = "https://mail.contoso.com/EWS/Exchange.asmx";
const loginHost = "login.microsoftonline.com";

const onPrem = (basicDisabled: boolean): OrgSpec =>
  org({ servers: [{ name: "mail.contoso.com", knobs: { basicDisabled } }], mailboxes: [{ address: "user@contoso.com", server: "mail.contoso.com" }] });

const online = onlineOrg();
const ntlm = ntlmAt(ews);
const oauth = onlineProfile;

interface Method {
  name: string;
  spec: OrgSpec;
  change: (p: ProfileInput) => ProfileInput;
  /** Domains whose hosts may see credentials, plus extra hosts (the token endpoint). */
  domains: string[];
  extraHosts?: string[];
  /** Authorization schemes (or token-request credentials) the simulator saw, per host. */
  schemes: Record<string, string[]>;
  ewsUrl: string;
}

const methods: Method[] = [
  { name: "Basic", spec: onPrem(false), change: direct(ews), domains: ["contoso.com"], schemes: { "mail.contoso.com": ["Basic"] }, ewsUrl: ews },
  { name: "NTLM against a server with Basic disabled", spec: onPrem(true), change: ntlm, domains: ["contoso.com"], schemes: { "mail.contoso.com": ["NTLM"] }, ewsUrl: ews },
  {
    name: "OAuth client secret against Exchange Online",
    spec: online,
    change: oauth,
    domains: ["tailspintoys.com", "outlook.office365.com"],
    extraHosts: [loginHost],
    schemes: { [loginHost]: ["client_secret"], "outlook.office365.com": ["Bearer"] },
    ewsUrl: onlineEws,
  },
];

describe("one mailbox check with each authentication method", () => {
  it.each(methods)("$name", async (m) => {
    const p = profile(m.change);
    const address = p.mailboxes[0]!.address;
    await withOrg(m.spec, p, {}, async (sim, session) => {
      const result = await checkOne(session, address);
      expect(result.ok ? undefined : result.error).toBeUndefined();
      expect(result).toMatchObject({ address, ok: true, ewsUrl: m.ewsUrl, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } });
      const seen: Record<string, string[]> = {};
      for (const c of sim.counters.credentials) seen[c.host] = [...new Set([...(seen[c.host] ?? []), c.scheme])];
      expect(seen).toEqual(m.schemes);
      expectNoLeak(sim, m.spec, m.domains, m.extraHosts);
    });
  });

  it("NTLM keeps its handshake on one connection", async () => {
    await withOrg(onPrem(true), profile(ntlm), {}, async (sim, session) => {
      const result = await checkOne(session, "user@contoso.com");
      expect(result.ok).toBe(true);
      // Negotiate and authenticate: two requests, both on the one kept-alive connection.
      expect(sim.counters.requestCount("mail.contoso.com", "/EWS/Exchange.asmx")).toBe(2);
      expect(sim.counters.connections({ host: "mail.contoso.com" }).peak).toBe(1);
      expect(sim.counters.tlsHandshakes("mail.contoso.com")).toBe(1);
    });
  });
});

interface Refusal {
  name: string;
  spec: OrgSpec;
  change: (p: ProfileInput) => ProfileInput;
  env: Record<string, string>;
  expected: Expected;
  domains: string[];
  extraHosts?: string[];
}

const refusals: Refusal[] = [
  { name: "Basic, wrong password", spec: onPrem(false), change: direct(ews), env: { ENGINE_PASSWORD: "wrong" }, expected: { category: "auth-failed", code: "401", transient: false }, domains: ["contoso.com"] },
  { name: "NTLM, wrong password", spec: onPrem(true), change: ntlm, env: { ENGINE_PASSWORD: "wrong" }, expected: { category: "auth-failed", code: "401", transient: false }, domains: ["contoso.com"] },
  {
    name: "OAuth, wrong client secret",
    spec: online,
    change: oauth,
    env: { ENGINE_CLIENT_SECRET: "wrong" },
    expected: { category: "auth-failed", code: "AADSTS7000215", transient: false },
    domains: ["tailspintoys.com", "outlook.office365.com"],
    extraHosts: [loginHost],
  },
];

describe("a wrong secret with each authentication method", () => {
  it.each(refusals)("$name", async (r) => {
    const p = profile(r.change);
    await withOrg(r.spec, p, { env: r.env }, async (sim, session) => {
      const result = await checkOne(session, p.mailboxes[0]!.address);
      expect(essentials(result.ok ? undefined : result.error)).toEqual(r.expected);
      expectNoLeak(sim, r.spec, r.domains, r.extraHosts);
    });
  });

  it("OAuth sends nothing to EWS without a token", async () => {
    const p = profile(oauth);
    await withOrg(online, p, { env: { ENGINE_CLIENT_SECRET: "wrong" } }, async (sim, session) => {
      await checkOne(session, "user@tailspintoys.com");
      expect(sim.counters.requestCount("outlook.office365.com")).toBe(0);
    });
  });
});
