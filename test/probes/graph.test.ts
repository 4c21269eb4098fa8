import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { parseProfile, type Profile, type ProfileInput } from "../../lib/config/profile.js";
import type { MailboxCheck } from "../../lib/model/connection.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { probeKindFor } from "../../lib/probes/choose.js";
import { ewsOnlineKind, graphKind, hybridKind } from "../../lib/probes/graph.js";
import type { OpenProbe, ProbeEnvironment, ProbeKind } from "../../lib/probes/kind.js";
import { splitLimit } from "../../lib/probes/routed.js";
import { startSimulatedOrg, throwawaySecret, type OrgSpec, type SimulatedOrg } from "../../sim/index.js";
import { cloudMailboxes, fullApp, graphOrg, syncRoles, tenant } from "../graph/support.js";
import { enabledMailbox } from "../support/mailbox-record.js";

const onPrem = "onprem@tailspintoys.com";

/** The Graph test organisation, with its on-premises server taking the app's tokens (hybrid modern authentication). */
const expiredApp = { clientId: "3c4d5e6f-7a8b-4c9d-8e0f-0000000000e1", secret: throwawaySecret("graph-expired-secret") };
const noSendApp = { clientId: "3c4d5e6f-7a8b-4c9d-8e0f-0000000000e2", secret: throwawaySecret("graph-no-send") };

function hybridOrg(): OrgSpec {
  const spec = graphOrg();
  return {
    ...spec,
    servers: spec.servers.map((s) => (s.name === "mail.tailspintoys.com" ? { ...s, auth: ["bearer"] } : s)),
    oauthApps: [
      ...(spec.oauthApps ?? []),
      { tenant, clientId: expiredApp.clientId, clientSecret: expiredApp.secret, clientSecretExpired: true },
      { tenant, clientId: noSendApp.clientId, clientSecret: noSendApp.secret, impersonation: "all", roles: ["full_access_as_app", ...syncRoles.filter((r) => r !== "Mail.Send")] },
    ],
  };
}

const box = (address: string, location?: "cloud" | "on-premises") => ({ address, approved: true, ...(location === undefined ? {} : { location }) });

function profileOf(input: Partial<ProfileInput>): Profile {
  const parsed = parseProfile({
    id: "tailspin",
    name: "Tailspin Toys",
    serverType: "exchange-online",
    owner: "m365-admin@tailspintoys.com",
    autodiscover: false,
    auth: { kind: "oauth", tenantId: tenant, clientId: fullApp.clientId, clientSecretSetting: "GRAPH_SECRET" },
    mailboxes: cloudMailboxes.slice(0, 2).map((a) => box(a)),
    ...input,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.profile;
}

const hybridProfile = () =>
  profileOf({
    serverType: "exchange-online-hybrid",
    incomingUrl: "https://mail.tailspintoys.com/EWS/Exchange.asmx",
    outgoingUrl: "https://mail.tailspintoys.com/EWS/Exchange.asmx",
    mailboxes: [box(cloudMailboxes[0]!, "cloud"), box(onPrem, "on-premises"), box(cloudMailboxes[1]!)],
  });

let sim: SimulatedOrg;
let tokens: TokenCache;
beforeAll(async () => {
  sim = await startSimulatedOrg(hybridOrg());
});
afterAll(() => sim.stop());
beforeEach(() => {
  tokens = new TokenCache();
  sim.counters.reset();
});

function environment(overrides: Partial<ProbeEnvironment> = {}): ProbeEnvironment {
  return {
    env: { GRAPH_SECRET: fullApp.secret },
    network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) },
    tokens,
    timeouts: { connectMs: 2_000, headersMs: 3_000, bodyMs: 3_000, totalMs: 5_000 },
    ...overrides,
  };
}

async function withProbe<T>(kind: ProbeKind, profile: Profile, maxConnections: number, body: (probe: OpenProbe) => Promise<T>): Promise<T> {
  const opened = await kind.open(profile, { maxConnections }, environment());
  if (!opened.ok) throw new Error(opened.failure.message);
  try {
    return await body(opened.value);
  } finally {
    await opened.value.close();
  }
}

async function checkAll(probe: OpenProbe, records: MailboxRecord[], limit: number): Promise<Map<string, [MailboxRecord, MailboxCheck]>> {
  const seen = new Map<string, [MailboxRecord, MailboxCheck]>();
  await probe.checkMailboxes(records, limit, async (record, check) => void seen.set(record.address, [record, check]));
  return seen;
}

describe("choosing the probe kind from the profile's api", () => {
  it("Graph for Exchange Online, EWS for Exchange Server, per mailbox for hybrid, and what api names", () => {
    const oauth = { kind: "oauth" as const, tenantId: tenant, clientId: fullApp.clientId, clientSecretSetting: "S", cloud: "public" as const };
    const basic = { kind: "basic" as const, username: "svc@contoso.com", passwordSetting: "P" };
    expect(probeKindFor({ serverType: "exchange-server", auth: basic }).name).toBe("ews");
    expect(probeKindFor({ serverType: "exchange-online", auth: oauth }).name).toBe("graph");
    expect(probeKindFor({ serverType: "exchange-online", auth: oauth, api: "auto" }).name).toBe("graph");
    expect(probeKindFor({ serverType: "exchange-online", auth: oauth, api: "ews" })).toMatchObject({ name: "ews", steps: ["autodiscover", "ews", "mailbox"] });
    expect(probeKindFor({ serverType: "exchange-online", auth: oauth, api: "ews" }).open).not.toBe(probeKindFor({ serverType: "exchange-server", auth: basic }).open);
    expect(probeKindFor({ serverType: "exchange-online-hybrid", auth: oauth }).name).toBe("hybrid");
    expect(probeKindFor({ serverType: "exchange-online-hybrid", auth: oauth, api: "graph" }).name).toBe("graph");
    expect(probeKindFor({ serverType: "exchange-online-hybrid", auth: basic }).name).toBe("ews");
  });

  it("shares the request limit between Graph batches and EWS requests in proportion, at least one each", () => {
    expect(splitLimit(10, 5, 5)).toEqual({ kind: "side-by-side", graph: 5, ews: 5 });
    expect(splitLimit(10, 1, 100)).toEqual({ kind: "side-by-side", graph: 1, ews: 9 });
    expect(splitLimit(10, 100, 1)).toEqual({ kind: "side-by-side", graph: 9, ews: 1 });
    expect(splitLimit(1, 3, 3)).toEqual({ kind: "one-after-the-other" });
    expect(splitLimit(10, 0, 3)).toEqual({ kind: "one-after-the-other" });
  });
});

describe("the Graph probe kind", () => {
  it("runs Test Connection as token, graph and mailbox, with each mailbox asked for and the readiness object", async () => {
    const run = await withProbe(graphKind, profileOf({}), 4, (probe) => probe.checkEndpoints({ mailboxes: [cloudMailboxes[1]!.toUpperCase(), onPrem] }));
    expect(run.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
    expect(run.mailboxes.map((m) => [m.address, m.ok, !m.ok && m.error.category])).toEqual([
      [cloudMailboxes[1], true, false],
      [onPrem, false, "mailbox-not-in-cloud"],
    ]);
    expect(run.ok).toBe(false);
    expect(run.readiness).toMatchObject({ ews: "allowed", ewsShutdown: "2027-04-01", graphPermissions: { status: "checked", missing: [] } });
    expect(run.certificates.map((c) => c.host)).toContain("graph.microsoft.com");
  });

  it("puts the mailboxes asked for in the test mailbox's batch, four to a batch, and lists only those asked for", async () => {
    const asked = cloudMailboxes.slice(1, 4);
    const run = await withProbe(graphKind, profileOf({}), 4, (probe) => probe.checkEndpoints({ mailboxes: asked, readiness: false }));
    expect(run.mailboxes.map((m) => [m.address, m.ok])).toEqual(asked.map((a) => [a, true]));
    expect(run.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
    // The first mailbox asked for is the test mailbox: three mailboxes, five folders each, in one batch.
    expect(sim.counters.graph).toMatchObject({ batches: 1, requests: 15 });
    sim.counters.reset();
    await withProbe(graphKind, profileOf({}), 4, (probe) => probe.checkEndpoints({ mailboxes: cloudMailboxes.slice(1, 6), readiness: false }));
    expect(sim.counters.graph).toMatchObject({ batches: 2, requests: 25 });
  });

  it("names three due mailboxes for the test mailbox's batch, and checks them there in full, out of the report", async () => {
    const profile = profileOf({ mailboxes: cloudMailboxes.slice(0, 8).map((a) => box(a)) });
    // The third wants incoming only (its record says so, whatever the profile listed): one folder asked, not five.
    const due = cloudMailboxes.slice(0, 8).map((a, i) => enabledMailbox(profile.id, a, i === 2 ? { wanted: { incoming: true, outgoing: false, appointmentsContactsTasks: false } } : {}));
    const [opened, run] = await withProbe(graphKind, profile, 4, async (probe) => {
      const names = probe.testMailboxes(due);
      return [names, await probe.checkEndpoints({ readiness: false, alongside: due.filter((m) => names.includes(m.address)) })] as const;
    });
    expect(opened).toEqual(cloudMailboxes.slice(0, 4));
    expect(run.mailboxes).toEqual([]);
    const all = { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" };
    expect(run.testMailboxChecks?.map((c) => [c.address, c.ok, c.channels])).toEqual(
      cloudMailboxes.slice(0, 4).map((a, i) => [a, true, i === 2 ? { incoming: "success", outgoing: "not-run", appointmentsContactsTasks: "not-run" } : all]),
    );
    expect(sim.counters.graph).toMatchObject({ batches: 1, requests: 16 });
    // More than there is room for: the rest are left to the cycle.
    sim.counters.reset();
    const crowded = await withProbe(graphKind, profile, 4, (probe) => probe.checkEndpoints({ readiness: false, alongside: due }));
    expect(crowded.testMailboxChecks?.map((c) => c.address)).toEqual(cloudMailboxes.slice(0, 4));
    expect(sim.counters.graph.batches).toBe(1);
  });

  it("names an expired client secret at the token step with what to do and the setting that holds it, not Exchange's permissions", async () => {
    const profile = profileOf({ auth: { kind: "oauth", tenantId: tenant, clientId: expiredApp.clientId, clientSecretSetting: "TAILSPIN_GRAPH_SECRET" } });
    const opened = await graphKind.open(profile, { maxConnections: 2 }, environment({ env: { TAILSPIN_GRAPH_SECRET: expiredApp.secret } }));
    if (!opened.ok) throw new Error(opened.failure.message);
    const run = await opened.value.checkEndpoints({ readiness: false }).finally(() => opened.value.close());
    const token = run.steps[0]!;
    expect(token).toMatchObject({ step: "token", ok: false, error: { category: "auth-failed", code: "AADSTS7000222" } });
    const advice = !token.ok && token.ok !== null ? token.error.remediation : "";
    expect(advice).toContain("client secret has expired");
    expect(advice).toContain("`TAILSPIN_GRAPH_SECRET`");
    expect(advice).not.toContain("full_access_as_app");
    expect(JSON.stringify(run)).not.toContain(expiredApp.secret);
  });

  it("notes on the outgoing channel that synchronization's own app has no Mail.Send in its token, without failing it", async () => {
    const auth = { kind: "oauth" as const, tenantId: tenant, clientId: noSendApp.clientId, clientSecretSetting: "NO_SEND_SECRET" };
    const outgoingOff = enabledMailbox("tailspin", cloudMailboxes[2]!, { wanted: { incoming: true, outgoing: false, appointmentsContactsTasks: true } });
    const records = [...cloudMailboxes.slice(0, 2).map((a) => enabledMailbox("tailspin", a)), outgoingOff];
    const checkAs = async (syncApp?: { tenantId: string; clientId: string }) => {
      const opened = await graphKind.open(profileOf({ auth, ...(syncApp === undefined ? {} : { syncApp }) }), { maxConnections: 2 }, environment({ env: { NO_SEND_SECRET: noSendApp.secret } }));
      if (!opened.ok) throw new Error(opened.failure.message);
      try {
        return new Map([...(await checkAll(opened.value, records, 2)).values()].map(([record, check]) => [record.address, check]));
      } finally {
        await opened.value.close();
      }
    };
    // Synchronization signs in as this very app: the channel passes (Sent Items answers; an RBAC grant is not in the
    // token), and the check says what the token lacks.
    const same = await checkAs({ tenantId: tenant, clientId: noSendApp.clientId.toUpperCase() });
    for (const address of cloudMailboxes.slice(0, 2)) {
      const check = same.get(address)!;
      expect(check).toMatchObject({ ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } });
      expect(check.notes).toEqual([expect.stringMatching(/^The token of app 3c4d5e6f-.*has no Mail\.Send: unless it is granted through RBAC for Applications/)]);
    }
    expect(same.get(outgoingOff.address)!.notes).toBeUndefined();
    expect(sim.counters.requestCount("login.microsoftonline.com", `/${tenant}/oauth2/v2.0/token`)).toBe(1);
    // Another app, or none named: the monitor's own token says nothing of synchronization's.
    for (const syncApp of [{ tenantId: tenant, clientId: fullApp.clientId }, undefined]) {
      expect([...(await checkAs(syncApp)).values()].map((c) => [c.ok, c.notes])).toEqual([[true, undefined], [true, undefined], [true, undefined]]);
    }
  });

  it("leaves readiness out when the cycle asks it to, and then sends EWS nothing", async () => {
    const run = await withProbe(graphKind, profileOf({}), 4, (probe) => probe.checkEndpoints({ readiness: false }));
    expect(run.ok).toBe(true);
    expect(run).not.toHaveProperty("readiness");
    expect(sim.counters.requestCount("outlook.office365.com")).toBe(0);
  });

  it("checks the cycle's mailboxes four to a batch within the limit and reports each against its own record", async () => {
    const records = cloudMailboxes.slice(0, 10).map((a) => enabledMailbox("tailspin", a));
    const [seen, peak] = await withProbe(graphKind, profileOf({}), 2, async (probe) => [await checkAll(probe, records, 2), probe.peakConnections()] as const);
    expect([...seen.keys()].sort()).toEqual(cloudMailboxes.slice(0, 10));
    for (const record of records) expect(seen.get(record.address)![0]).toBe(record);
    expect([...seen.values()].every(([, c]) => c.ok && c.ewsUrl === undefined)).toBe(true);
    expect(sim.counters.graph.batches).toBe(3);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it("never sends the app's secret to an authority outside the profile's cloud, on either wire", async () => {
    for (const kind of [graphKind, hybridKind]) {
      const opened = await kind.open(hybridProfile(), { maxConnections: 2 }, environment({ credentialOverrides: { authorityHost: "https://login.contoso.com" } }));
      expect(opened.ok).toBe(false);
      expect(!opened.ok && opened.failure).toMatchObject({ category: "insecure-url", code: "CredentialHostRefused" });
    }
    expect(sim.counters.requests).toEqual([]);
    expect(sim.counters.credentials).toEqual([]);
  });
  it("redacts the app's token from a Graph answer that quotes the request back, in mailbox checks and Test Connection", async () => {
    sim.setServer("graph.microsoft.com", { echoSecrets: "authorization-400" });
    try {
      const records = cloudMailboxes.slice(0, 2).map((a) => enabledMailbox("tailspin", a));
      const [seen, run] = await withProbe(graphKind, profileOf({}), 2, async (probe) => [await checkAll(probe, records, 2), await probe.checkEndpoints()] as const);
      const failures = [...[...seen.values()].map(([, c]) => c), ...run.steps].map((x) => ("error" in x ? x.error : undefined)).filter((e) => e !== undefined);
      expect(failures).toHaveLength(3);
      for (const failure of failures) {
        expect(failure.message).toMatch(/Authorization: Bearer \[redacted\] is not valid/);
        expect(JSON.stringify(failure)).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
      }
    } finally {
      sim.setServer("graph.microsoft.com", { echoSecrets: false });
    }
  });
});

describe("whose readiness it is: the profile's syncApp against the app the probe signs in as", () => {
  const monitorApp = { tenantId: tenant, clientId: fullApp.clientId };
  const otherSyncApp = { tenantId: tenant, clientId: "6731de76-14a6-49ae-97bc-6eba6914391e" };

  it("Test Connection speaks for synchronization itself when the profile's syncApp is the app the monitor signs in as", async () => {
    const run = await withProbe(graphKind, profileOf({ syncApp: { tenantId: tenant.toUpperCase(), clientId: fullApp.clientId } }), 4, (probe) => probe.checkEndpoints());
    expect(run.readiness?.speaksFor).toEqual({ kind: "sync-app", app: monitorApp });
  });

  it("Test Connection speaks for the monitor's app and names synchronization's when they differ, and says it is unknown without one", async () => {
    const run = await withProbe(graphKind, profileOf({ syncApp: otherSyncApp }), 4, (probe) => probe.checkEndpoints());
    expect(run.readiness?.speaksFor).toEqual({ kind: "monitor-app", app: monitorApp, syncApp: otherSyncApp });
    const unknown = await withProbe(graphKind, profileOf({}), 4, (probe) => probe.checkEndpoints());
    expect(unknown.readiness?.speaksFor).toEqual({ kind: "monitor-app", app: monitorApp, syncApp: "unknown" });
  });

  it("the cycle's daily check carries it too, on the Graph wire and on EWS by choice (api ews)", async () => {
    const daily = await withProbe(graphKind, profileOf({ syncApp: otherSyncApp }), 4, (probe) => probe.checkReadiness!());
    expect(daily.speaksFor).toEqual({ kind: "monitor-app", app: monitorApp, syncApp: otherSyncApp });
    const ewsUrl = "https://outlook.office365.com/EWS/Exchange.asmx";
    const viaEws = profileOf({ api: "ews", incomingUrl: ewsUrl, outgoingUrl: ewsUrl, syncApp: monitorApp });
    expect(probeKindFor(viaEws)).toBe(ewsOnlineKind);
    const ewsDaily = await withProbe(ewsOnlineKind, viaEws, 4, (probe) => probe.checkReadiness!());
    expect(ewsDaily.speaksFor).toEqual({ kind: "sync-app", app: monitorApp });
    const ewsTest = await withProbe(ewsOnlineKind, viaEws, 4, (probe) => probe.checkEndpoints());
    expect(ewsTest.readiness?.speaksFor).toEqual({ kind: "sync-app", app: monitorApp });
  });
});

describe("EWS on Exchange Online by choice (api ews)", () => {
  // The mail domain runs an Autodiscover endpoint of its own (an on-premises server that takes tokens, say).
  let withMailDomainAutodiscover: SimulatedOrg;
  beforeAll(async () => {
    const spec = graphOrg();
    withMailDomainAutodiscover = await startSimulatedOrg({ ...spec, servers: [...spec.servers, { name: "autodiscover.tailspintoys.com", build: "15.1.2507.6", auth: ["bearer"] }] });
  });
  afterAll(() => withMailDomainAutodiscover.stop());

  it("sends the app's Exchange Online token to Exchange Online's own hosts only, never to Autodiscover on the mail domain", async () => {
    const other = withMailDomainAutodiscover;
    const env = environment({ network: { dnsServers: [other.dnsServers], extraCaPem: other.endpoints.caPem, connectTo: (host, port) => other.connectTo(host, port) } });
    const opened = await ewsOnlineKind.open(profileOf({ api: "ews", autodiscover: true }), { maxConnections: 4 }, env);
    if (!opened.ok) throw new Error(opened.failure.message);
    const run = await opened.value.checkEndpoints().finally(() => opened.value.close());
    expect(other.counters.credentials.filter((c) => c.host.endsWith("tailspintoys.com"))).toEqual([]);
    expect(other.counters.leakedCredentials(["login.microsoftonline.com", "outlook.office365.com"])).toEqual([]);
    const [autodiscover] = run.steps;
    expect(autodiscover).toMatchObject({ step: "autodiscover", ok: false, error: { category: "insecure-url", code: "CredentialHostRefused" } });
    expect(autodiscover?.ok === false && autodiscover.error.remediation).toMatch(/https:\/\/outlook\.office365\.com\/EWS\/Exchange\.asmx/);
  });
});

describe("the hybrid probe kind", () => {
  it("probes a cloud mailbox by Graph and an on-premises one by EWS, within one connection budget", async () => {
    const profile = hybridProfile();
    const records = [
      enabledMailbox(profile.id, cloudMailboxes[0]!, { location: "cloud" }),
      enabledMailbox(profile.id, onPrem, { location: "on-premises" }),
      // No location: the EWS URL Autodiscover gave last time is Exchange Online's, so it lives in the cloud.
      enabledMailbox(profile.id, cloudMailboxes[1]!, { ewsUrl: "https://outlook.office365.com/EWS/Exchange.asmx" }),
    ];
    const [seen, peak] = await withProbe(hybridKind, profile, 2, async (probe) => [await checkAll(probe, records, 2), probe.peakConnections()] as const);
    expect([...seen.values()].map(([r, c]) => [r.address, c.ok, c.ewsUrl ?? "graph"]).sort()).toEqual(
      [
        [cloudMailboxes[0], true, "graph"],
        [cloudMailboxes[1], true, "graph"],
        [onPrem, true, "https://mail.tailspintoys.com/EWS/Exchange.asmx"],
      ].sort(),
    );
    expect(sim.counters.graph).toMatchObject({ batches: 1, requests: 10 });
    expect(sim.counters.requestCount("mail.tailspintoys.com")).toBeGreaterThan(0);
    expect(sim.counters.requestCount("outlook.office365.com")).toBe(0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it("checks through EWS a mailbox a stale cloud URL sent to Graph, when Graph says it is not in the cloud", async () => {
    const profile = hybridProfile();
    // Moved on-premises since Autodiscover last found it in Exchange Online; no location in the profile file.
    const moved = enabledMailbox(profile.id, onPrem, { ewsUrl: "https://outlook.office365.com/EWS/Exchange.asmx" });
    const seen = await withProbe(hybridKind, profile, 2, (probe) => checkAll(probe, [moved], 2));
    const [record, check] = seen.get(onPrem)!;
    expect(check).toMatchObject({ ok: true, ewsUrl: "https://mail.tailspintoys.com/EWS/Exchange.asmx" });
    expect(record.ewsUrl).toBeUndefined();
    expect(sim.counters.graph.batches).toBe(1);
    // A mailbox the file says is in the cloud keeps Graph's verdict.
    const pinned = await withProbe(hybridKind, profile, 2, (probe) => checkAll(probe, [enabledMailbox(profile.id, onPrem, { location: "cloud" })], 2));
    expect(pinned.get(onPrem)![1]).toMatchObject({ ok: false, error: { category: "mailbox-not-in-cloud" } });
  });

  it("fills Test Connection's batch only with mailboxes sure to be in the cloud", async () => {
    const profile = profileOf({
      serverType: "exchange-online-hybrid",
      incomingUrl: "https://mail.tailspintoys.com/EWS/Exchange.asmx",
      outgoingUrl: "https://mail.tailspintoys.com/EWS/Exchange.asmx",
      mailboxes: [box(cloudMailboxes[0]!, "cloud"), box(onPrem, "on-premises"), box(cloudMailboxes[1]!), box(cloudMailboxes[2]!, "cloud"), box(cloudMailboxes[3]!, "cloud")],
    });
    const due = [
      enabledMailbox(profile.id, cloudMailboxes[0]!, { location: "cloud" }),
      enabledMailbox(profile.id, onPrem, { location: "on-premises" }),
      // In the cloud by a cached URL only: Graph might say it is not, and then EWS checks it, so not in the batch.
      enabledMailbox(profile.id, cloudMailboxes[1]!, { ewsUrl: "https://outlook.office365.com/EWS/Exchange.asmx" }),
      enabledMailbox(profile.id, cloudMailboxes[2]!, { location: "cloud" }),
      enabledMailbox(profile.id, cloudMailboxes[3]!, { location: "cloud" }),
    ];
    const opened = await withProbe(hybridKind, profile, 3, async (probe) => probe.testMailboxes(due));
    expect(opened).toEqual([cloudMailboxes[0], cloudMailboxes[2], cloudMailboxes[3], onPrem]);
  });

  it("runs Test Connection's Graph steps for a cloud mailbox and its EWS steps for an on-premises one, then readiness", async () => {
    const run = await withProbe(hybridKind, hybridProfile(), 3, (probe) => probe.checkEndpoints({ mailboxes: [onPrem, cloudMailboxes[0]!] }));
    expect(run.steps.map((s) => [s.step, s.ok, "url" in s ? new URL(s.url!).hostname : ""])).toEqual([
      ["token", true, "login.microsoftonline.com"],
      ["graph", true, "graph.microsoft.com"],
      ["mailbox", true, "graph.microsoft.com"],
      ["autodiscover", true, "mail.tailspintoys.com"],
      ["ews", true, "mail.tailspintoys.com"],
      ["mailbox", true, "mail.tailspintoys.com"],
    ]);
    // Each side's mailbox steps name the mailbox they opened (Autodiscover is off here: its step checks the URL).
    expect(run.steps.map((s) => ("address" in s ? s.address : undefined))).toEqual([undefined, undefined, cloudMailboxes[0], undefined, onPrem, onPrem]);
    expect(run.mailboxes.map((m) => [m.address, m.ok])).toEqual([
      [onPrem, true],
      [cloudMailboxes[0], true],
    ]);
    expect(run.ok).toBe(true);
    expect(run.readiness).toMatchObject({ ews: "allowed", graphPermissions: { status: "checked", missing: [] } });
  });
});
