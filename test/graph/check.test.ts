import { describe, expect, it } from "vitest";
import { checkGraphMailboxes } from "../../lib/graph/check.js";
import type { GraphFault } from "../../sim/index.js";
import { cloudMailboxes, collect, connectionsFor, credentialsFor, graphSimPerTest, mailboxes, options } from "./support.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

describe("Graph mailbox checks against the simulator", () => {
  const world = graphSimPerTest();

  it("checks mailboxes four to a batch, within the limit, and reports each with the EWS check's shape", async () => {
    const ten = cloudMailboxes.slice(0, 10);
    let stats;
    const seen = await collect(async (report) => (stats = await checkGraphMailboxes(mailboxes(ten), options(world.tokens, world.conns, { limit: 2 }), report)));
    expect([...seen.keys()].sort()).toEqual(ten);
    for (const check of seen.values()) {
      expect(check).toMatchObject({ ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } });
      expect(check).not.toHaveProperty("ewsUrl");
    }
    expect(stats).toEqual({ mailboxes: 10, batches: 3, retries: 0 });
    expect(world.sim.counters.graph).toMatchObject({ batches: 3, requests: 50, throttled: 0 });
    expect(world.sim.counters.requestCount("graph.microsoft.com") / ten.length).toBeLessThanOrEqual(0.3);
    expect(world.sim.counters.requestCount("login.microsoftonline.com", `/${"2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"}/oauth2/v2.0/token`)).toBe(1);
  });

  it.each<[GraphFault, string, string, RegExp]>([
    ["ErrorInvalidUser", "mailbox-not-found", "ErrorInvalidUser", /primary SMTP address/],
    ["ResourceNotFound", "mailbox-not-found", "ResourceNotFound", /primary SMTP address/],
    ["MailboxNotEnabledForRESTAPI", "mailbox-not-in-cloud", "MailboxNotEnabledForRESTAPI", /RecipientTypeDetails/],
    ["ODataDisabled", "access-policy-denied", "ErrorAccessDenied", /Test-ApplicationAccessPolicy/],
    ["ErrorAccessDenied", "permission-missing", "ErrorAccessDenied", /Mail\.ReadWrite.*admin consent/],
    ["Authorization_RequestDenied", "permission-missing", "Authorization_RequestDenied", /Mail\.ReadWrite/],
    ["InvalidAuthenticationToken", "auth-failed", "InvalidAuthenticationToken", /Microsoft Graph refused the app's token/],
  ])("%s lands in %s with remediation and Graph's request-id", async (fault, category, code, remediation) => {
    const address = cloudMailboxes[3]!;
    world.sim.setMailbox(address, { graphFault: fault });
    try {
      const seen = await collect((report) => checkGraphMailboxes(mailboxes([address, cloudMailboxes[4]!]), options(world.tokens, world.conns), report));
      const check = seen.get(address)!;
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.channels).toEqual({ incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" });
      expect(check.error).toMatchObject({ category, code, transient: false, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), date: expect.stringMatching(/^\d{4}-/) });
      expect(check.error.remediation).toMatch(remediation);
      expect(seen.get(cloudMailboxes[4]!)!.ok).toBe(true);
    } finally {
      world.sim.setMailbox(address, { graphFault: null });
    }
  });

  it("an on-premises mailbox is mailbox-not-in-cloud and an unknown one mailbox-not-found", async () => {
    const seen = await collect((report) => checkGraphMailboxes(mailboxes(["onprem@tailspintoys.com", "nobody@tailspintoys.com"]), options(world.tokens, world.conns), report));
    expect(seen.get("onprem@tailspintoys.com")).toMatchObject({ ok: false, error: { category: "mailbox-not-in-cloud", code: "MailboxNotEnabledForRESTAPI" } });
    expect(seen.get("nobody@tailspintoys.com")).toMatchObject({ ok: false, error: { category: "mailbox-not-found", code: "ErrorInvalidUser" } });
  });

  it("splits a batch mixing successes, 404s, 403s and a 429 per mailbox, and sends only the throttled items again", async () => {
    const [good, missing, policy, busy] = cloudMailboxes.slice(5, 9) as [string, string, string, string];
    world.sim.setMailbox(missing, { graphFault: "ErrorInvalidUser" });
    world.sim.setMailbox(policy, { graphFault: "ODataDisabled" });
    world.sim.setMailbox(busy, { graphThrottled: { requests: 2, retryAfterSeconds: 1, code: "ApplicationThrottled" } });
    try {
      let stats;
      const started = performance.now();
      const seen = await collect(async (report) => (stats = await checkGraphMailboxes(mailboxes([good, missing, policy, busy]), options(world.tokens, world.conns), report)));
      const elapsed = performance.now() - started;
      expect(seen.get(good)).toMatchObject({ ok: true });
      expect(seen.get(missing)).toMatchObject({ ok: false, error: { category: "mailbox-not-found" } });
      expect(seen.get(policy)).toMatchObject({ ok: false, error: { category: "access-policy-denied" } });
      expect(seen.get(busy)).toMatchObject({ ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } });
      expect(stats).toEqual({ mailboxes: 4, batches: 2, retries: 1 });
      // The first batch had 20 requests; the second only the two that were throttled.
      expect(world.sim.counters.graph).toMatchObject({ batches: 2, requests: 22, throttled: 2 });
      expect(elapsed).toBeGreaterThanOrEqual(1_000);
      // Each mailbox took as long as its own last answer: only the throttled one waited out the Retry-After.
      expect(seen.get(busy)!.elapsedMs).toBeGreaterThanOrEqual(1_000);
      for (const a of [good, missing, policy]) expect(seen.get(a)!.elapsedMs).toBeLessThan(1_000);
    } finally {
      for (const a of [missing, policy]) world.sim.setMailbox(a, { graphFault: null });
      world.sim.setMailbox(busy, { graphThrottled: null });
    }
  });

  it("a throttled batch keeps its place through its Retry-After: a throttled run sends less, not more", async () => {
    const [busy, ...others] = cloudMailboxes.slice(0, 8) as [string, ...string[]];
    world.sim.setMailbox(busy, { graphThrottled: { requests: 1, retryAfterSeconds: 1, code: "ApplicationThrottled" } });
    try {
      const reportedAt = new Map<string, number>();
      const started = performance.now();
      await checkGraphMailboxes(mailboxes([busy, ...others]), options(world.tokens, world.conns, { limit: 1 }), async (address) => {
        reportedAt.set(address, performance.now() - started);
      });
      expect(world.sim.counters.graph).toMatchObject({ batches: 3, throttled: 1 });
      // One place: the second batch (mailboxes 5 to 8) went out only once the first batch's retry was answered.
      expect(reportedAt.get(busy)!).toBeGreaterThanOrEqual(1_000);
      for (const a of others.slice(3)) expect(reportedAt.get(a)!).toBeGreaterThan(reportedAt.get(busy)!);
    } finally {
      world.sim.setMailbox(busy, { graphThrottled: null });
    }
  });

  it("a 429 that does not clear within the tries is a transient server-busy with the server's Retry-After", async () => {
    const busy = cloudMailboxes[9]!;
    world.sim.setMailbox(busy, { graphThrottled: { requests: 100, retryAfterSeconds: 1, code: "TooManyRequests" } });
    try {
      const seen = await collect((report) => checkGraphMailboxes(mailboxes([busy]), options(world.tokens, world.conns, { retry: { maxTries: 2 } }), report));
      expect(seen.get(busy)).toMatchObject({ ok: false, error: { category: "server-busy", code: "TooManyRequests", transient: true, retryAfterMs: 1000 } });
      expect(world.sim.counters.graph.batches).toBe(2);
      world.sim.counters.reset();
      const impatient = await collect((report) => checkGraphMailboxes(mailboxes([busy]), options(world.tokens, world.conns, { retry: { maxWaitMs: 500 } }), report));
      expect(impatient.get(busy)).toMatchObject({ ok: false, error: { category: "server-busy" } });
      expect(world.sim.counters.graph.batches).toBe(1);
    } finally {
      world.sim.setMailbox(busy, { graphThrottled: null });
    }
  });

  it("a 503 item is sent again after its Retry-After, like a 429, and is server-busy if it does not clear", async () => {
    const [recovering, down] = cloudMailboxes.slice(10, 12) as [string, string];
    world.sim.setMailbox(recovering, { graphThrottled: { requests: 1, retryAfterSeconds: 1, code: "ServiceUnavailable" } });
    world.sim.setMailbox(down, { graphThrottled: { requests: 100, retryAfterSeconds: 1, code: "ServiceUnavailable" } });
    try {
      let stats;
      const seen = await collect(async (report) => (stats = await checkGraphMailboxes(mailboxes([recovering, down]), options(world.tokens, world.conns, { retry: { maxTries: 2 } }), report)));
      expect(seen.get(recovering)).toMatchObject({ ok: true, channels: { incoming: "success" } });
      expect(seen.get(recovering)!.elapsedMs).toBeGreaterThanOrEqual(1_000);
      expect(seen.get(down)).toMatchObject({ ok: false, error: { category: "server-busy", code: "ServiceUnavailable", transient: true, retryAfterMs: 1000 } });
      expect(seen.get(down)!.error!.message).toMatch(/HTTP 503 ServiceUnavailable .*request-id/);
      expect(seen.get(down)!.error!.remediation).toMatch(/Microsoft Graph is throttling app \S+ or is briefly unavailable/);
      expect(stats).toMatchObject({ batches: 2, retries: 1 });
    } finally {
      world.sim.setMailbox(recovering, { graphThrottled: null });
      world.sim.setMailbox(down, { graphThrottled: null });
    }
  });

  it("in a Graph outage (every batch 503 with Retry-After 30), waits briefly once, then fails the rest at once as server-busy", async () => {
    world.sim.setServer("graph.microsoft.com", { status503: 30 });
    try {
      let stats;
      const seen = await collect(async (report) => (stats = await checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 12)), options(world.tokens, world.conns, { limit: 1, retry: { outageWaitMs: 200 } }), report)));
      expect(seen.size).toBe(12);
      for (const check of seen.values()) expect(check).toMatchObject({ ok: false, error: { category: "server-busy", transient: true, retryAfterMs: 30_000 } });
      // The first batch is sent again once (after 200 ms, not 30 s); the two after it are not sent again.
      expect(stats).toMatchObject({ batches: 4, retries: 1 });
      expect(world.sim.counters.graph.batches).toBe(4);
    } finally {
      world.sim.setServer("graph.microsoft.com", { status503: false });
    }
  });

  it("a batch throttled as a whole (429) keeps its Retry-After and all its tries: only Graph being down (503) cuts them short", async () => {
    world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 2 });
    try {
      let stats;
      const seen = await collect(async (report) => (stats = await checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 4)), options(world.tokens, world.conns, { limit: 1 }), report)));
      expect([...seen.values()].every((c) => c.ok)).toBe(true);
      expect(stats).toMatchObject({ batches: 3, retries: 2 });
    } finally {
      world.sim.setServer("graph.microsoft.com", { graphThrottleBatches: 0 });
    }
  });

  it("never has more than four requests in flight for a mailbox, nor more sockets than the limit", async () => {
    world.sim.setServer("graph.microsoft.com", { latencyMs: 100 });
    const narrow = connectionsFor(world.sim, 3);
    try {
      const doubled = [...cloudMailboxes, ...cloudMailboxes.map((a) => a.toUpperCase())];
      const seen = await collect((report) => checkGraphMailboxes(mailboxes(doubled), options(world.tokens, narrow, { limit: 3 }), report));
      expect(seen.size).toBe(16);
      expect([...seen.values()].every((c) => c.ok)).toBe(true);
      expect(world.sim.counters.peakMailboxConcurrency()).toBe(4);
      expect(world.sim.counters.graph.throttled).toBe(0);
      expect(narrow.stats().peakSockets).toBeLessThanOrEqual(3);
    } finally {
      world.sim.setServer("graph.microsoft.com", { latencyMs: 0 });
      await narrow.close();
    }
  });

  it("asks only the wanted channels' folders", async () => {
    const seen = await collect((report) =>
      checkGraphMailboxes([{ address: cloudMailboxes[0]!, wanted: { incoming: true, outgoing: false, appointmentsContactsTasks: false } }], options(world.tokens, world.conns), report),
    );
    expect(seen.get(cloudMailboxes[0]!)).toMatchObject({ ok: true, channels: { incoming: "success", outgoing: "not-run", appointmentsContactsTasks: "not-run" } });
    expect(world.sim.counters.graph.requests).toBe(1);
  });

  it("a malformed batch answer is invalid-response for its mailboxes, not a crash", async () => {
    world.sim.setServer("graph.microsoft.com", { malformedBody: "not-xml" });
    try {
      const seen = await collect((report) => checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 2)), options(world.tokens, world.conns), report));
      expect(seen.size).toBe(2);
      for (const check of seen.values()) expect(check).toMatchObject({ ok: false, error: { category: "invalid-response", code: "GraphBatchInvalid", transient: true } });
    } finally {
      world.sim.setServer("graph.microsoft.com", { malformedBody: false });
    }
  });

  it("a mailbox whose batch items come malformed is invalid-response alone: the mailboxes in the same batch are judged as usual", async () => {
    const [mangled, ...others] = cloudMailboxes.slice(0, 4) as [string, ...string[]];
    world.sim.setMailbox(mangled, { graphMalformedItem: true });
    try {
      const seen = await collect((report) => checkGraphMailboxes(mailboxes([mangled, ...others]), options(world.tokens, world.conns), report));
      expect(world.sim.counters.graph.batches).toBe(1);
      expect(seen.get(mangled)).toMatchObject({ ok: false, error: { category: "invalid-response", code: "GraphItemInvalid", transient: true } });
      expect(seen.get(mangled)!.error!.message).toMatch(/status/);
      for (const address of others) expect(seen.get(address)).toMatchObject({ ok: true });
    } finally {
      world.sim.setMailbox(mangled, { graphMalformedItem: false });
    }
  });

  it("an answer past the body cap is response-too-large for its mailboxes", async () => {
    world.sim.setServer("graph.microsoft.com", { hugeBody: 3 * 1024 * 1024 });
    try {
      const seen = await collect((report) => checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 2)), options(world.tokens, world.conns), report));
      expect(seen.size).toBe(2);
      for (const check of seen.values()) expect(check).toMatchObject({ ok: false, error: { category: "response-too-large" } });
    } finally {
      world.sim.setServer("graph.microsoft.com", { hugeBody: false });
    }
  });

  it("a refused secret fails every mailbox as auth-failed with one token request and no Graph request", async () => {
    const wrong = { ...credentialsFor({ clientId: "3c4d5e6f-7a8b-4c9d-8e0f-000000000001", secret: throwawaySecret("wrong-secret") }) };
    const seen = await collect((report) => checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 9)), options(world.tokens, world.conns, { credentials: wrong }), report));
    expect(seen.size).toBe(9);
    for (const check of seen.values()) expect(check).toMatchObject({ ok: false, error: { category: "auth-failed", code: "AADSTS7000215" }, channels: { incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" } });
    expect(world.sim.counters.requestCount("graph.microsoft.com")).toBe(0);
    expect(world.sim.counters.credentials.filter((c) => c.scheme === "client_secret")).toHaveLength(1);
  });

  it("no mailboxes, no request at all", async () => {
    const stats = await checkGraphMailboxes([], options(world.tokens, world.conns), async () => undefined);
    expect(stats).toEqual({ mailboxes: 0, batches: 0, retries: 0 });
    expect(world.sim.counters.requests).toEqual([]);
  });

  it("one report that throws never stops the others", async () => {
    const reported: string[] = [];
    const run = checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 6)), options(world.tokens, world.conns), async (address) => {
      reported.push(address);
      if (address === cloudMailboxes[1]) throw new Error("store down");
    });
    await expect(run).rejects.toThrow(/1 mailbox checks or reports failed/);
    expect(reported.sort()).toEqual(cloudMailboxes.slice(0, 6));
  });

  describe("mailboxes still being read", () => {
    const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

    it("sends the whole batches in hand at once and holds the odd ones for the rest: never a batch with room while more come", async () => {
      const [firstSix, rest] = [cloudMailboxes.slice(0, 6), cloudMailboxes.slice(6, 16)];
      // The rest is read once the first batch's four mailboxes are reported (or after 2 s, for a check that waited).
      let release!: () => void;
      const restRead = new Promise<void>((resolve) => (release = resolve));
      const fallback = setTimeout(() => release(), 2_000);
      const beforeRest: string[] = [];
      let restCame = false;
      let stats;
      const source = { first: mailboxes(firstSix), rest: restRead.then(() => ((restCame = true), mailboxes(rest))) };
      const seen = await collect(async (report) => {
        stats = await checkGraphMailboxes(source, options(world.tokens, world.conns, { limit: 4 }), async (address, check) => {
          if (!restCame) beforeRest.push(address);
          if (beforeRest.length === 4) release();
          await report(address, check);
        });
      });
      clearTimeout(fallback);
      expect([...seen.keys()].sort()).toEqual(cloudMailboxes);
      // Sixteen mailboxes in four batches of four (six in hand would have made two batches, one with room for two).
      expect(stats).toEqual({ mailboxes: 16, batches: 4, retries: 0 });
      expect(world.sim.counters.graph).toMatchObject({ batches: 4, requests: 80 });
      // The first four in hand were checked before the rest was read; the two held back were not.
      expect(beforeRest.sort()).toEqual(firstSix.slice(0, 4));
    });

    it("checks each mailbox once when a later page repeats one in another case", async () => {
      const source = { first: mailboxes(cloudMailboxes.slice(0, 4)), rest: later(mailboxes([cloudMailboxes[1]!.toUpperCase(), cloudMailboxes[4]!]), 50) };
      let stats;
      const seen = await collect(async (report) => (stats = await checkGraphMailboxes(source, options(world.tokens, world.conns), report)));
      expect([...seen.keys()].sort()).toEqual(cloudMailboxes.slice(0, 5));
      expect(stats).toEqual({ mailboxes: 5, batches: 2, retries: 0 });
    });

    it("reports the mailboxes in hand, then throws the read's error, when the rest cannot be read", async () => {
      const rest = later(undefined, 100).then(() => Promise.reject(new Error("storage went away")));
      const reported: string[] = [];
      const run = checkGraphMailboxes({ first: mailboxes(cloudMailboxes.slice(0, 8)), rest }, options(world.tokens, world.conns), async (address) => void reported.push(address));
      await expect(run).rejects.toThrow("storage went away");
      expect(reported.sort()).toEqual(cloudMailboxes.slice(0, 8));
    });

    it("waits for the rest when nothing is in hand, and sends nothing for no mailboxes at all", async () => {
      const stats = await checkGraphMailboxes({ first: [], rest: later([], 20) }, options(world.tokens, world.conns), async () => undefined);
      expect(stats).toEqual({ mailboxes: 0, batches: 0, retries: 0 });
      expect(world.sim.counters.requests).toEqual([]);
      const seen = await collect((report) => checkGraphMailboxes({ first: [], rest: later(mailboxes(cloudMailboxes.slice(0, 3)), 20) }, options(world.tokens, world.conns), report));
      expect(seen.size).toBe(3);
    });
  });
});
