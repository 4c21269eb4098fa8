import { afterEach, describe, expect, it } from "vitest";
import type { Registration } from "../app/registrations.js";
import { startLocalHost, type LocalHost } from "../local/host.js";
import { defaultHostConfig } from "../local/host-config.js";
import { createAppContext } from "../lib/app-context.js";
import { encodeQueuePayload, decodeQueuePayload } from "../lib/cycle/message.js";
import { testSettings, testStorage, uniqueName } from "./support/storage.js";

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
});
