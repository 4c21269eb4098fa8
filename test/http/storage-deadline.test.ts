import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createAppContext } from "../../lib/app-context.js";
import { answerWithinStorageDeadline } from "../../lib/http/storage-deadline.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { contosoProfile } from "../support/cycle-org.js";
import { testSettings } from "../support/storage.js";
import { startSilentServer, withEndpoint } from "../support/tcp-proxy.js";

let host: LocalHost;
let silent: Awaited<ReturnType<typeof startSilentServer>>;

beforeAll(async () => {
  // Table Storage that accepts connections and never answers.
  silent = await startSilentServer();
  const settings = testSettings({ AzureWebJobsStorage: withEndpoint(inject("storageConnectionString"), "TableEndpoint", silent.port) });
  host = await startLocalHost({ context: createAppContext(settings), port: 0, scheduleTimers: false, keys: { function: "f", admin: "a" }, log: () => {} });
});

afterAll(async () => {
  await host?.stop();
  await silent?.stop();
});

const routes: [string, string, string, string?][] = [
  ["GET", "status", "f"],
  ["GET", "status/contoso", "f"],
  ["GET", "metrics", "f"],
  ["GET", "dashboard", "f"],
  ["GET", "dashboard/contoso", "f"],
  ["GET", "profiles", "a"],
  ["GET", "profiles/contoso", "a"],
  ["PUT", "profiles/contoso", "a", JSON.stringify(contosoProfile())],
  ["DELETE", "profiles/contoso", "a"],
  ["POST", "profiles/contoso/test-connection", "a"],
  ["POST", "profiles/contoso/mailboxes/test-and-enable", "a"],
];

describe("hung storage: every HTTP function answers 503 with the reason, in the one error shape", () => {
  it.concurrent.each(routes)("%s /api/%s", async (method, path, key, body) => {
    const response = await fetch(`${host.url}/api/${path}`, { method, headers: { "x-functions-key": key }, ...(body === undefined ? {} : { body }) });
    expect(response.status).toBe(503);
    const answer = (await response.json()) as { error: { code: string; message: string } };
    expect(Object.keys(answer)).toEqual(["error"]);
    expect(answer.error.code).toBe("storage-unavailable");
    expect(answer.error.message).toMatch(/did not answer within 3 s/);
  }, 20_000);

  it("the wrapper is generic: any work answers for itself unless storage stalls or fails", async () => {
    const idle = { oldestWaitMs: () => 0 };
    expect(await answerWithinStorageDeadline(idle, async () => ({ status: 200 }))).toEqual({ status: 200 });
    await expect(answerWithinStorageDeadline(idle, async () => Promise.reject(new TypeError("a bug")))).rejects.toThrow("a bug");
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { name: "RestError", code: "ECONNREFUSED" });
    expect(await answerWithinStorageDeadline(idle, async () => Promise.reject(refused))).toMatchObject({ status: 503 });
  });
});
