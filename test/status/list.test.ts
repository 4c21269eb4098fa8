import { afterEach, describe, expect, it } from "vitest";
import { throwawaySecret } from "../../sim/index.js";
import { encodeContinuation } from "../../lib/status/paging.js";
import { createStorage, type Storage } from "../../lib/store/storage.js";
import { createOnce } from "../../lib/util/once.js";
import { mailbox, seedSummaries, startStatusHost, summary, type StatusHost } from "./fixtures.js";

let app: StatusHost | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

type ListBody = {
  overall: { health: string; profiles: number; counts: Record<string, number> };
  profiles: Record<string, unknown>[];
  continuation: string | null;
};

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, "0")}`);

describe("GET /api/status", () => {
  it("needs a function key", async () => {
    app = await startStatusHost();
    expect((await fetch(`${app.host.url}/api/status`)).status).toBe(401);
  });

  it("shows every field of a profile and the overall light", async () => {
    app = await startStatusHost();
    const failingRun = {
      at: "2025-05-01T10:25:00.000Z",
      ok: false,
      elapsedMs: 160,
      steps: [
        { step: "autodiscover" as const, ok: true as const, elapsedMs: 120 },
        { step: "ews" as const, ok: false as const, elapsedMs: 40, error: { category: "basic-auth-disabled" as const, code: "401", transient: false, message: "no Basic", remediation: "enable Basic" } },
        { step: "mailbox" as const, ok: null, elapsedMs: 0 as const },
      ],
    };
    await seedSummaries(app.context, [summary("alpha"), summary("beta", { health: "failing", lastTestConnection: failingRun }), summary("gamma", { health: "unknown", hourly: [] })]);
    const response = await app.get("status");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await response.json()) as ListBody;
    expect(body.overall).toEqual({ health: "failing", profiles: 3, counts: { ok: 1, degraded: 0, failing: 1, stale: 0, unknown: 1 } });
    expect(body.continuation).toBeNull();
    const [alpha, beta] = body.profiles;
    expect(alpha).toMatchObject({
      profileId: "alpha",
      name: "Profile alpha",
      serverType: "exchange-server",
      health: "ok",
      lastHour: { processed: 40, failed: 2, succeeded: 38, failurePercent: 5 },
      lastTestConnection: { ok: true, elapsedMs: 180, error: null },
      certificates: { minDaysLeft: 30, hosts: [{ host: "autodiscover.contoso.com", daysLeft: 212 }, { host: "mail.contoso.com", daysLeft: 30 }] },
      server: { product: "Exchange Server 2016" },
      lastEmailAt: "2025-05-01T08:00:00.000Z",
      emailsSent: 3,
      mailboxStates: { "pending-approval": 1, enabled: 37, retrying: 1, disabled: 1 },
      updatedAt: "2025-05-01T10:26:00.000Z",
    });
    expect((alpha!.lastTestConnection as { steps: unknown[] }).steps).toHaveLength(3);
    expect(alpha!.hourly).toHaveLength(24);
    expect(beta!.lastTestConnection).toMatchObject({ ok: false, error: { step: "ews", category: "basic-auth-disabled", code: "401", remediation: "enable Basic" } });
    expect(body.profiles[2]).toMatchObject({ profileId: "gamma", health: "unknown" });
    // Always the last 24 clock hours, each by its ISO start, ending with the current one; zeros where no cycle ran.
    const hours = Array.from({ length: 24 }, (_, i) => new Date(Date.parse("2025-05-01T10:00:00.000Z") - (23 - i) * 3_600_000).toISOString());
    expect((body.profiles[2]!.hourly as { hour: string }[]).map((h) => h.hour)).toEqual(hours);
    expect((body.profiles[2]!.hourly as Record<string, unknown>[]).every((h) => h.processed === 0 && h.failed === 0 && h.maintenance === false)).toBe(true);
    expect((alpha!.hourly as { hour: string }[]).map((h) => h.hour)).toEqual(hours);
    expect((alpha!.hourly as Record<string, unknown>[])[23]).toEqual({ hour: "2025-05-01T10:00:00.000Z", processed: 10, failed: 2, succeeded: 8, failurePercent: 20, maintenance: false });
  });

  it("pages 250 profiles with issued continuation tokens, and the overall covers all of them", async () => {
    app = await startStatusHost();
    await seedSummaries(app.context, ids(250).map((id) => summary(id)));
    const seen: string[] = [];
    let continuation: string | null = null;
    let pages = 0;
    do {
      const query: string = continuation === null ? "status?top=100" : `status?top=100&continuation=${encodeURIComponent(continuation)}`;
      const body = (await (await app.get(query)).json()) as ListBody;
      expect(body.overall.profiles).toBe(250);
      seen.push(...body.profiles.map((p) => p.profileId as string));
      continuation = body.continuation;
      pages++;
    } while (continuation !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids(250));
    const defaultPage = (await (await app.get("status")).json()) as ListBody;
    expect(defaultPage.profiles).toHaveLength(100);
    const all = (await (await app.get("status?top=1000")).json()) as ListBody;
    expect(all.profiles).toHaveLength(250);
    expect(all.continuation).toBeNull();
  }, 60_000);

  it("refuses a bad top or continuation naming the parameter, before reading any table", async () => {
    app = await startStatusHost();
    app.context.storage.requests.reset();
    for (const [query, field] of [
      ["top=0", "top"],
      ["top=1001", "top"],
      ["top=ten", "top"],
      ["top=", "top"],
      ["top=-5", "top"],
      ["continuation=not-ours", "continuation"],
      ["continuation=", "continuation"],
      [`continuation=${Buffer.from('{"v":1,"after":"Bad Id"}').toString("base64url")}`, "continuation"],
      [`continuation=${Buffer.from('{"v":1,"after":"x"}').toString("base64")}%25`, "continuation"],
    ] as const) {
      const response = await app.get(`status?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid-query", details: [{ field }] } });
    }
    expect(app.context.storage.requests.table).toBe(0);
    expect((await app.get(`status?continuation=${encodeContinuation("zzz")}`)).status).toBe(200);
  });

  it("answers 304 to a matching If-None-Match, with the same ETag and cache headers", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "15" });
    await seedSummaries(app.context, [summary("alpha"), summary("beta")]);
    const first = await app.get("status");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get("cache-control")).toBe("private, max-age=15");
    const again = await app.get("status", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await app.get("status", { "if-none-match": `"other", W/${etag}` })).status).toBe(304);
    expect((await app.get("status", { "if-none-match": '"other"' })).status).toBe(200);
    // Another page is another representation.
    expect((await app.get("status?top=1", { "if-none-match": etag })).status).toBe(200);
  });

  // The summaries (one request per 1000 profiles) and the profiles' settings (for staleness, as many).
  it("costs at most 2 table requests per cache period however many requests arrive, and reads again after the TTL", async () => {
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "10" });
    await seedSummaries(app.context, ids(250).map((id) => summary(id)));
    await app.context.storage.table("profiles"); // made on first use: not the endpoint's cost
    app.context.storage.requests.reset();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => app!.get(i % 2 === 0 ? "status" : "status?top=50")));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    expect(app.context.storage.requests.table).toBeLessThanOrEqual(2);

    await seedSummaries(app.context, [summary("p999", { health: "failing" })]);
    app.context.storage.requests.reset();
    app.clock.now = new Date(app.clock.now.getTime() + 9_000);
    let body = (await (await app.get("status?top=1000")).json()) as ListBody;
    expect(body.overall.profiles).toBe(250);
    expect(app.context.storage.requests.table).toBe(0);

    app.clock.now = new Date(app.clock.now.getTime() + 2_000);
    body = (await (await app.get("status?top=1000")).json()) as ListBody;
    expect(body.overall).toMatchObject({ profiles: 251, health: "failing" });
    expect(app.context.storage.requests.table).toBeGreaterThanOrEqual(1);
    expect(app.context.storage.requests.table).toBeLessThanOrEqual(2);
  }, 60_000);

  it("never echoes a secret app setting, even one a failure message quotes", async () => {
    const secretPart = throwawaySecret("status");
    const password = `${secretPart}"Pa$$`;
    const mailPassword = throwawaySecret("mail");
    app = await startStatusHost({ CONTOSO_EWS_PASSWORD: password, SMTP_PASSWORD_SETTING: "MAIL_PW", MAIL_PW: mailPassword });
    const leaky = { category: "auth-failed" as const, code: "401", transient: false, message: `login svc-crm@contoso.com:${password} refused; smtp ${mailPassword}`, remediation: "r" };
    const run = { at: "2025-05-01T10:25:00.000Z", ok: false, elapsedMs: 5, steps: [{ step: "autodiscover" as const, ok: false as const, elapsedMs: 5, error: leaky }] };
    await seedSummaries(app.context, [summary("leaky", { name: `Leaky ${password}`, lastTestConnection: run })]);
    const { saveMailboxes } = await import("../../lib/store/mailboxes.js");
    await saveMailboxes(app.context.storage, [mailbox("leaky", "a@contoso.com", { state: "disabled", lastError: leaky })]);
    for (const path of ["status", "status/leaky", "metrics"]) {
      const text = await (await app.get(path)).text();
      expect(text, path).toContain("[redacted]");
      expect(text, path).not.toContain(secretPart);
      expect(text, path).not.toContain(mailPassword);
    }
    const body = (await (await app.get("status")).json()) as ListBody;
    expect(JSON.stringify(body)).not.toMatch(/Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/);
  });

  it("with STATUS_CACHE_SECONDS=0 still shares one read among concurrent requests: exactly 1 read for 20 requests", async () => {
    // A storage hook holds the first read of the summaries until all 20 requests have reached the status service
    // (each asks the context for it): without sharing, the 19 others would each send a read meanwhile.
    const concurrent = 20;
    let arrived = 0;
    let reads = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    app = await startStatusHost({ STATUS_CACHE_SECONDS: "0" }, (settings) => {
      const inner = createStorage(settings.storage, { tablePrefix: settings.tablePrefix });
      const hooked = new WeakSet<object>();
      const storage: Storage = {
        requests: inner.requests,
        pending: inner.pending,
        queue: (name) => inner.queue(name),
        async table(name) {
          const client = await inner.table(name);
          if (name === "summaries" && !hooked.has(client)) {
            hooked.add(client);
            client.pipeline.addPolicy({
              name: "holdFirstSummariesRead",
              sendRequest: async (request, next) => {
                if (request.method === "GET") {
                  reads++;
                  if (reads === 1) await gate;
                }
                return next(request);
              },
            });
          }
          return client;
        },
      };
      const once = createOnce();
      return {
        storage,
        once: {
          get(key, make) {
            if (key.description === "status service" && ++arrived === concurrent) open();
            return once.get(key, make);
          },
        },
      };
    });
    await seedSummaries(app.context, [summary("alpha")]);
    reads = 0;
    arrived = 0;
    const responses = await Promise.all(Array.from({ length: concurrent }, () => app!.get("status")));
    expect(arrived).toBe(concurrent);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses[0]!.headers.get("cache-control")).toBe("private, max-age=0");
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(reads).toBe(1);
    // With nothing cached, the next requests read again, one read each.
    await app.get("status");
    await app.get("status");
    expect(reads).toBe(3);
  });
});
