import { describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { checkReadiness, testGraphConnection } from "../../lib/graph/test-connection.js";
import { credentialHostsOf, graphClouds } from "../../lib/graph/clouds.js";
import { todoNotOffered } from "../../lib/graph/mailbox-result.js";
import { cloudMailboxes, credentialsFor, fullApp, graphSimPerTest, mailboxes, noTasksApp, options, tenant } from "./support.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

const now = new Date("2026-11-30T12:00:00Z");

describe("Test Connection through Graph, with readiness", () => {
  const world = graphSimPerTest();

  it("runs the token, graph and mailbox steps, checks every mailbox asked for, and reports readiness", async () => {
    const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes(cloudMailboxes.slice(0, 6)), now });
    expect(report.ok).toBe(true);
    expect(report.steps).toEqual([
      { step: "token", ok: true, elapsedMs: expect.any(Number), url: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token` },
      { step: "graph", ok: true, elapsedMs: expect.any(Number), url: "https://graph.microsoft.com/v1.0/$batch" },
      { step: "mailbox", ok: true, elapsedMs: expect.any(Number), url: `https://graph.microsoft.com/v1.0/users/${encodeURIComponent(cloudMailboxes[0]!)}` },
    ]);
    expect(report.mailboxes.map((m) => [m.address, m.ok])).toEqual(cloudMailboxes.slice(0, 6).map((a) => [a, true]));
    expect(report.readiness).toEqual({
      ews: "allowed",
      ewsShutdown: "2027-04-01",
      ewsDaysLeft: 122,
      graphPermissions: { status: "checked", granted: expect.arrayContaining(["Mail.ReadWrite", "Tasks.ReadWrite.All"]), missing: [] },
      speaksFor: { kind: "monitor-app", app: { tenantId: tenant, clientId: fullApp.clientId }, syncApp: "unknown" },
    });
  });

  it("times the graph and mailbox steps by their own answers, not by a throttled companion's retry", async () => {
    const [tested, busy] = cloudMailboxes.slice(10, 12) as [string, string];
    world.sim.setMailbox(busy, { graphThrottled: { requests: 1, retryAfterSeconds: 1, code: "ApplicationThrottled" } });
    try {
      const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes([tested, busy]), now, checkEws: false });
      expect(report.ok).toBe(true);
      expect(world.sim.counters.graph.throttled).toBe(1);
      const [, graph, mailbox] = report.steps;
      expect(graph!.elapsedMs).toBeLessThan(1_000);
      expect(mailbox!.elapsedMs).toBeLessThan(1_000);
      expect(report.mailboxes.find((m) => m.address === busy)!.elapsedMs).toBeGreaterThanOrEqual(1_000);
    } finally {
      world.sim.setMailbox(busy, { graphThrottled: null });
    }
  });

  it("judges the graph step by the batch's first answer: a throttled companion's failed retry is that mailbox's alone", async () => {
    const [tested, busy] = cloudMailboxes.slice(12, 14) as [string, string];
    world.sim.setMailbox(busy, { graphThrottled: { requests: 1, retryAfterSeconds: 1, code: "ApplicationThrottled" } });
    // The retry comes a second after the first answer; by then Graph answers 503.
    const outage = setTimeout(() => world.sim.setServer("graph.microsoft.com", { status503: 30 }), 500);
    try {
      const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes([tested, busy]), now, checkEws: false });
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
      expect(report.mailboxes.find((m) => m.address === tested)).toMatchObject({ ok: true });
      expect(report.mailboxes.find((m) => m.address === busy)).toMatchObject({ ok: false, error: { category: "server-busy", code: "503", transient: true, retryAfterMs: 30_000 } });
    } finally {
      clearTimeout(outage);
      world.sim.setServer("graph.microsoft.com", { status503: false });
      world.sim.setMailbox(busy, { graphThrottled: null });
    }
  });

  it("a batch throttled as a whole, then answered by its retry, passes the graph step: the wait is no fault of the endpoint", async () => {
    world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 1 });
    try {
      const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes(cloudMailboxes.slice(0, 2)), now, checkEws: false });
      expect(world.sim.counters.graph).toMatchObject({ batches: 2, throttled: 1 });
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
      expect(report.mailboxes.map((m) => m.ok)).toEqual([true, true]);
      expect(report.ok).toBe(true);
    } finally {
      world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 0 });
    }
  });

  it("a batch throttled as a whole, and again by every retry, fails the graph step as server-busy", async () => {
    world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 10 });
    try {
      const report = await testGraphConnection({ ...options(world.tokens, world.conns, { retry: { maxTries: 2 } }), mailboxes: mailboxes(cloudMailboxes.slice(0, 1)), now, checkEws: false });
      expect(report.steps.find((s) => s.step === "graph")).toMatchObject({ ok: false, error: { category: "server-busy", code: "TooManyRequests" } });
      expect(report.ok).toBe(false);
    } finally {
      world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 0 });
    }
  });

  it("lists the permissions the token lacks, and fails the channel that needs it naming the permission", async () => {
    const report = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: credentialsFor(noTasksApp) }), mailboxes: mailboxes([cloudMailboxes[0]!]), now });
    expect(report.readiness.graphPermissions).toMatchObject({ status: "checked", missing: ["Tasks.ReadWrite.All"] });
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", false]]);
    const [check] = report.mailboxes;
    expect(check).toMatchObject({ ok: false, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "failure" }, error: { category: "permission-missing" } });
    expect(!check!.ok && check!.error.remediation).toMatch(/Tasks\.ReadWrite\.All.*Grant admin consent/);
  });

  it("tells the three EWS states apart: allowed, disabled, blocked by policy", async () => {
    const readiness = () => checkReadiness({ connections: world.conns, tokens: world.tokens, credentials: credentialsFor(fullApp), cloud: "public", address: cloudMailboxes[0]!, now });
    expect(await readiness()).toMatchObject({ ews: "allowed" });
    world.sim.setServer("outlook.office365.com", { ewsDisabled: true });
    const disabled = await readiness();
    world.sim.setServer("outlook.office365.com", { ewsDisabled: false, ewsAllowedAppIds: [noTasksApp.clientId] });
    const blocked = await readiness();
    world.sim.setServer("outlook.office365.com", { ewsAllowedAppIds: null });
    expect(disabled).toMatchObject({ ews: "disabled", ewsReason: "EWS is disabled for this user or tenant" });
    expect(blocked).toMatchObject({ ews: "blocked-by-policy", ewsReason: "EWS is blocked by policy for this user or tenant" });
    expect((await checkReadiness({ connections: world.conns, tokens: world.tokens, credentials: credentialsFor(fullApp), cloud: "public", now })).ews).toBe("not-checked");
  });

  it("says readiness speaks for synchronization when the monitor uses sync's own app registration", async () => {
    const syncApp = { tenantId: tenant, clientId: fullApp.clientId };
    const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes([cloudMailboxes[0]!]), syncApp, now });
    expect(report.readiness.speaksFor).toEqual({ kind: "sync-app", app: syncApp });
  });

  it("a refused secret fails the token step; the others do not run and every mailbox carries the token's failure", async () => {
    const wrong = credentialsFor({ clientId: fullApp.clientId, secret: throwawaySecret("wrong-secret") });
    const report = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: wrong }), mailboxes: mailboxes(cloudMailboxes.slice(0, 2)), now, checkEws: false });
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["token", false], ["graph", null], ["mailbox", null]]);
    expect(report.mailboxes.map((m) => !m.ok && m.error.category)).toEqual(["auth-failed", "auth-failed"]);
    expect(report.readiness.graphPermissions).toMatchObject({ status: "not-checked", reason: expect.stringMatching(/no Graph token/) });
    expect(report.readiness.ews).toBe("not-checked");
    expect(world.sim.counters.requestCount("graph.microsoft.com")).toBe(0);
  });

  it("without a mailbox the graph step fails naming it", async () => {
    const report = await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: [], now });
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["token", true], ["graph", false], ["mailbox", null]]);
    expect(report.steps[1]).toMatchObject({ error: { category: "credential-format", code: "NoAddress" } });
  });

  it("sends credentials to the cloud's own hosts only, and refuses any other before sending anything", async () => {
    await testGraphConnection({ ...options(world.tokens, world.conns), mailboxes: mailboxes(cloudMailboxes.slice(0, 5)), now });
    expect(world.sim.counters.credentials.length).toBeGreaterThan(0);
    expect(world.sim.counters.leakedCredentials(["login.microsoftonline.com", "graph.microsoft.com", "outlook.office365.com"])).toEqual([]);

    world.sim.counters.reset();
    const tokens = new TokenCache();
    // An authority outside the cloud (a test override left in place), and a GCC High profile holding commercial-cloud credentials.
    const elsewhere = credentialsFor(fullApp, "public", "https://login.contoso.com");
    const commercial = credentialsFor(fullApp, "public");
    for (const [credentials, cloud] of [[elsewhere, "public"], [commercial, "usgov"]] as const) {
      const report = await testGraphConnection({ ...options(tokens, world.conns, { credentials, cloud }), mailboxes: mailboxes([cloudMailboxes[0]!]), now });
      expect(report.steps[0]).toMatchObject({ step: "token", ok: false, error: { category: "insecure-url", code: "CredentialHostRefused" } });
      expect(report.readiness.ews).toBe("not-checked");
    }
    expect(world.sim.counters.requests).toEqual([]);
    expect(world.sim.counters.credentials).toEqual([]);
  });

  it("GCC High and DoD: the token from login.microsoftonline.us, Graph at their own hosts", async () => {
    for (const [cloud, graphHost] of [["usgov", "graph.microsoft.us"], ["usgov-dod", "dod-graph.microsoft.us"]] as const) {
      world.sim.counters.reset();
      const report = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: credentialsFor(fullApp, cloud), cloud }), mailboxes: mailboxes([cloudMailboxes[0]!]), now, checkEws: false });
      expect(report.ok).toBe(true);
      expect(new Set(world.sim.counters.requests.map((r) => r.host))).toEqual(new Set(["login.microsoftonline.us", graphHost]));
    }
  });

  it("21Vianet: no To Do request; appointments, contacts and tasks judged on calendar and contacts, with a note", async () => {
    const report = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: credentialsFor(fullApp, "china"), cloud: "china" }), mailboxes: mailboxes([cloudMailboxes[0]!]), now, checkEws: false });
    expect(report.ok).toBe(true);
    expect(report.mailboxes[0]).toMatchObject({ ok: true, channels: { appointmentsContactsTasks: "success" }, notes: [todoNotOffered] });
    expect(world.sim.counters.graph.requests).toBe(4);
    // MSAL asks the authority by its preferred name in 21Vianet: one of the cloud's own hosts all the same.
    expect(world.sim.counters.requestCount("microsoftgraph.chinacloudapi.cn")).toBe(1);
    expect(world.sim.counters.leakedCredentials(credentialHostsOf(graphClouds.china))).toEqual([]);
    expect(world.sim.counters.credentials.map((c) => c.host)).toEqual(expect.arrayContaining(["microsoftgraph.chinacloudapi.cn"]));
  });

  it("21Vianet: an app without Tasks.ReadWrite.All misses nothing (tasks cannot sync where To Do is not offered); in the global cloud it misses that", async () => {
    const china = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: credentialsFor(noTasksApp, "china"), cloud: "china" }), mailboxes: mailboxes([cloudMailboxes[0]!]), now, checkEws: false });
    expect(china.readiness.graphPermissions).toMatchObject({ status: "checked", missing: [] });
    expect(china.readiness.graphPermissions.granted).not.toContain("Tasks.ReadWrite.All");
    const global = await testGraphConnection({ ...options(world.tokens, world.conns, { credentials: credentialsFor(noTasksApp), cloud: "public" }), mailboxes: mailboxes([cloudMailboxes[0]!]), now, checkEws: false });
    expect(global.readiness.graphPermissions).toMatchObject({ status: "checked", missing: ["Tasks.ReadWrite.All"] });
  });
});
