import { afterEach, describe, expect, it } from "vitest";
import type { Registration } from "../app/registrations.js";
import { startLocalHost, type LocalHost } from "../local/host.js";
import { defaultHostConfig } from "../local/host-config.js";
import { createAppContext } from "../lib/app-context.js";
import { encodeQueuePayload, decodeQueuePayload } from "../lib/cycle/message.js";
import { testSettings, testStorage, uniqueName } from "./support/storage.js";
import { connect } from "node:net";
import { lineLog } from "../local/log.js";

/** Sends raw bytes and returns whatever the server answers before it closes the connection. */
function rawRequest(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const quickQueues = { ...defaultHostConfig, queues: { maxPollingIntervalMs: 200, visibilityTimeoutMs: 0, batchSize: 16, maxDequeueCount: 5 } };
const silent = () => {};

describe("local host", () => {
  it("serves the app's health function with storage reported healthy", async () => {
    const settings = testSettings();
    host = await startLocalHost({ context: createAppContext(settings), port: 0, log: silent });
    const response = await fetch(`${host.url}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; version: string; storage: { ok: boolean } };
    expect(body.status).toBe("ok");
    expect(body.storage.ok).toBe(true);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("reports storage that does not answer as unhealthy with 503", async () => {
    const settings = testSettings({ AzureWebJobsStorage: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;" });
    host = await startLocalHost({ context: createAppContext(settings), port: 0, log: silent });
    const response = await fetch(`${host.url}/api/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; storage: { ok: boolean; error: string } };
    expect(body.storage.ok).toBe(false);
    expect(body.storage.error).not.toMatch(/AccountKey|Eby8/);
  }, 60_000);

  it("honours routes, methods and auth levels", async () => {
    const registrations: Registration[] = [
      { kind: "http", name: "echo", route: "things/{id}/{part?}", methods: ["GET"], authLevel: "function", handler: async (req) => ({ jsonBody: { params: req.params, q: req.query.get("q") } }) },
      { kind: "http", name: "adminOnly", route: "admin/thing", methods: ["POST"], authLevel: "admin", handler: async (req) => ({ status: 201, body: await req.text() }) },
    ];
    host = await startLocalHost({ registrations, storage: testStorage(), port: 0, keys: { function: "fkey", admin: "akey" }, log: silent });
    expect((await fetch(`${host.url}/api/things/42`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/things/42?code=wrong`)).status).toBe(401);
    const ok = await fetch(`${host.url}/api/things/42/x%20y?code=fkey&q=1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ params: { id: "42", part: "x y" }, q: "1" });
    expect((await fetch(`${host.url}/api/things/42`, { headers: { "x-functions-key": "akey" } })).status).toBe(200);
    expect((await fetch(`${host.url}/api/things/42`, { method: "DELETE", headers: { "x-functions-key": "akey" } })).status).toBe(405);
    expect((await fetch(`${host.url}/api/admin/thing`, { method: "POST", headers: { "x-functions-key": "fkey" }, body: "x" })).status).toBe(401);
    const created = await fetch(`${host.url}/api/admin/thing`, { method: "POST", headers: { "x-functions-key": "akey" }, body: "hello" });
    expect(created.status).toBe(201);
    expect(await created.text()).toBe("hello");
    expect((await fetch(`${host.url}/api/unknown`)).status).toBe(404);
    expect((await fetch(`${host.url}/elsewhere/things/1`)).status).toBe(404);
  });

  it("never takes an empty key: blank keys become random ones, and ?code= or an empty header is 401", async () => {
    const registrations: Registration[] = [
      { kind: "http", name: "del", route: "profiles/{id}", methods: ["DELETE"], authLevel: "admin", handler: async () => ({ status: 204 }) },
      { kind: "http", name: "read", route: "status", methods: ["GET"], authLevel: "function", handler: async () => ({ status: 200 }) },
    ];
    host = await startLocalHost({ registrations, storage: testStorage(), port: 0, keys: { function: "", admin: "  " }, log: silent });
    expect(host.keys.function).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(host.keys.admin).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await fetch(`${host.url}/api/profiles/x?code=`, { method: "DELETE" })).status).toBe(401);
    expect((await fetch(`${host.url}/api/profiles/x?code=%20%20`, { method: "DELETE" })).status).toBe(401);
    expect((await fetch(`${host.url}/api/profiles/x`, { method: "DELETE", headers: { "x-functions-key": "" } })).status).toBe(401);
    expect((await fetch(`${host.url}/api/status?code=`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/profiles/x?code=${host.keys.admin}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${host.url}/api/status?code=${host.keys.function}`)).status).toBe(200);
  });

  it("answers a malformed Host header with 400 and CONNECT with 405, never a 500 or a dropped socket", async () => {
    const lines: string[] = [];
    const registrations: Registration[] = [{ kind: "http", name: "health", route: "health", methods: ["GET"], authLevel: "anonymous", handler: async () => ({ status: 200, body: "ok" }) }];
    host = await startLocalHost({ registrations, storage: testStorage(), port: 0, log: (line) => lines.push(line) });
    const badHost = await rawRequest(host.url, "GET /api/health HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n");
    expect(badHost).toMatch(/^HTTP\/1\.1 400 /);
    expect(badHost).toContain("Host header");
    const connectAnswer = await rawRequest(host.url, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(connectAnswer).toMatch(/\r\nAllow: GET\r\n/);
    const upgrade = await rawRequest(host.url, "GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    expect(upgrade).toMatch(/^HTTP\/1\.1 405 /);
    // The host still serves, and nothing crashed.
    expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
    expect(lines.join("\n")).not.toMatch(/crashed/);
  });

  it("writes per-request and per-run lines only at LOG_LEVEL=debug; warnings and errors at info", async () => {
    const written = { info: [] as string[], debug: [] as string[] };
    const registrations: Registration[] = [
      { kind: "http", name: "hello", route: "hello", methods: ["GET"], authLevel: "anonymous", handler: async (_req, ctx) => (ctx.debug("a detail"), { status: 200 }) },
      { kind: "timer", name: "tick", schedule: "0 0 0 1 1 *", runOnStartup: false, handler: async (_timer, ctx) => (ctx.info("tick ran"), ctx.warn("tick is unhappy")) },
      { kind: "timer", name: "broken", schedule: "0 0 0 1 1 *", runOnStartup: false, handler: async () => Promise.reject(new Error("boom")) },
    ];
    for (const level of ["info", "debug"] as const) {
      host = await startLocalHost({ registrations, storage: testStorage(), port: 0, scheduleTimers: false, log: lineLog((line) => written[level].push(line), level) });
      expect((await fetch(`${host.url}/api/hello`)).status).toBe(200);
      await host.timers.fire("tick");
      await host.timers.fire("broken");
      await host.stop();
      host = undefined;
    }
    const info = written.info.join("\n");
    expect(info).not.toMatch(/hello \(http GET|a detail|succeeded/);
    expect(info).toMatch(/tick: tick ran/);
    expect(info).toMatch(/WARN tick: tick is unhappy/);
    expect(info).toMatch(/ERROR broken \(timer\) failed in \d+ ms: Error: boom/);
    const debug = written.debug.join("\n");
    expect(debug).toMatch(/hello \(http GET \/api\/hello\) 200 in/);
    expect(debug).toMatch(/hello: a detail/);
    expect(debug).toMatch(/tick \(timer\) succeeded in/);
  });

  it("fires a timer on its NCRONTAB schedule", async () => {
    const fired: { isPastDue: boolean; next: string }[] = [];
    const registrations: Registration[] = [
      { kind: "timer", name: "everySecond", schedule: "* * * * * *", runOnStartup: false, handler: async (timer) => void fired.push({ isPastDue: timer.isPastDue, next: timer.scheduleStatus.next }) },
    ];
    host = await startLocalHost({ registrations, storage: testStorage(), port: 0, log: silent });
    await new Promise((r) => setTimeout(r, 2_600));
    expect(fired.length).toBeGreaterThanOrEqual(2);
    expect(fired[0]!.isPastDue).toBe(false);
    expect(Date.parse(fired[0]!.next)).toBeGreaterThan(Date.now() - 3_000);
  });

  it("delivers a Base64 JSON queue message with its dequeue count", async () => {
    const storage = testStorage();
    const queueName = uniqueName("work-");
    const seen: { payload: unknown; dequeueCount: unknown }[] = [];
    const registrations: Registration[] = [
      { kind: "queue", name: "worker", queueName, handler: async (payload, context) => void seen.push({ payload, dequeueCount: context.triggerMetadata?.dequeueCount }) },
    ];
    host = await startLocalHost({ registrations, storage, port: 0, hostConfig: quickQueues, log: silent });
    await (await storage.queue(queueName)).sendMessage(encodeQueuePayload({ profileId: "contoso", cycle: 7 }));
    await host.queues.idle(20_000);
    expect(seen).toEqual([{ payload: { profileId: "contoso", cycle: 7 }, dequeueCount: 1 }]);
  });

  it("moves a message that fails five times to the poison queue", async () => {
    const storage = testStorage();
    const queueName = uniqueName("fail-");
    const tries: unknown[] = [];
    const registrations: Registration[] = [
      {
        kind: "queue",
        name: "alwaysFails",
        queueName,
        handler: async (_payload, context) => {
          tries.push(context.triggerMetadata?.dequeueCount);
          throw new Error("boom");
        },
      },
    ];
    host = await startLocalHost({ registrations, storage, port: 0, hostConfig: quickQueues, log: silent });
    await (await storage.queue(queueName)).sendMessage(encodeQueuePayload("poisonous"));
    await host.queues.idle(30_000);
    expect(tries).toEqual([1, 2, 3, 4, 5]);
    const poison = await (await storage.queue(`${queueName}-poison`)).receiveMessages({ numberOfMessages: 5 });
    expect(poison.receivedMessageItems.map((m) => decodeQueuePayload(m.messageText))).toEqual(["poisonous"]);
    const left = await (await storage.queue(queueName)).getProperties();
    expect(left.approximateMessagesCount).toBe(0);
  }, 60_000);
});

describe("npm start", () => {
  it("exits non-zero naming a wrong setting, before starting anything", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const errors: string[] = [];
    const code = await runLocalHost({
      argv: [],
      env: { SMTP_HOST: "smtp.contoso.com", SMTP_FROM: "monitor@contoso.com", SMTP_PORT: "twenty-five", SHARD_SIZE: "-1" },
      stdout: () => {},
      stderr: (line) => errors.push(line),
      stopSignal: Promise.resolve(),
    });
    expect(code).toBe(1);
    expect(errors.join("\n")).toMatch(/SMTP_PORT: must be a whole number/);
    expect(errors.join("\n")).toMatch(/SHARD_SIZE/);
  });

  it("serves on LOCAL_HTTP_PORT from local.settings.json", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const { createServer } = await import("node:net");
    const { copyFile, mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const free = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const cwd = await mkdtemp(join(tmpdir(), "checkout-"));
    await copyFile(new URL("../host.json", import.meta.url), join(cwd, "host.json"));
    const settings = testSettings();
    if (settings.storage.kind !== "connection-string") throw new Error("the tests' storage is a connection string");
    await writeFile(
      join(cwd, "local.settings.json"),
      JSON.stringify({ Values: { LOCAL_HTTP_PORT: String(free), AzureWebJobsStorage: settings.storage.connectionString, TABLE_PREFIX: settings.tablePrefix, PROBE_QUEUE: settings.probeQueue } }),
    );
    const out: string[] = [];
    let stop: () => void = () => {};
    const run = runLocalHost({ argv: ["--no-demo"], cwd, env: {}, stdout: (line) => out.push(line), stderr: (line) => out.push(line), stopSignal: new Promise<void>((r) => (stop = r)) });
    const deadline = Date.now() + 20_000;
    while (!/running on/.test(out.join("\n")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(await run).toBe(0);
    expect(out.join("\n")).toContain(`is running on http://localhost:${free}`);
  });

  it("stops with a clear message when UseDevelopmentStorage=true has no emulator listening", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const { createServer } = await import("node:net");
    // Two ports that were free a moment ago, and are closed now.
    const closedPorts = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<number>((resolve) => {
            const server = createServer().listen(0, "127.0.0.1", () => {
              const { port } = server.address() as { port: number };
              server.close(() => resolve(port));
            });
          }),
      ),
    );
    const errors: string[] = [];
    const code = await runLocalHost({
      argv: ["--port", "0"],
      env: { AzureWebJobsStorage: "UseDevelopmentStorage=true" },
      stdout: () => {},
      stderr: (line) => errors.push(line),
      stopSignal: Promise.resolve(),
      developmentStoragePorts: { queue: closedPorts[0]!, table: closedPorts[1]! },
    });
    expect(code).toBe(1);
    expect(errors.join("\n")).toMatch(/UseDevelopmentStorage=true, but nothing listens on queue 127\.0\.0\.1:\d+ and table 127\.0\.0\.1:\d+ .*leave AzureWebJobsStorage unset/);
  });

  it("refuses a garbage storage connection string and a missing profile file at start, in one message", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const errors: string[] = [];
    const out: string[] = [];
    const code = await runLocalHost({
      argv: ["--port", "0"],
      env: { AzureWebJobsStorage: "garbage", PROFILE_FILES: "/nope.json" },
      stdout: (line) => out.push(line),
      stderr: (line) => errors.push(line),
      stopSignal: Promise.resolve(),
    });
    expect(code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^The app settings are not valid:\n  AzureWebJobsStorage: must be a storage connection string .*\n  PROFILE_FILES: \/nope\.json does not exist$/);
    expect(out).toEqual([]);
  });
});
