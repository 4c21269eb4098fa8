import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { testSettings } from "../support/storage.js";
import { designExample, exampleWith } from "./fixtures.js";

let host: LocalHost;
let context: AppContext;
beforeAll(async () => {
  context = createAppContext(testSettings());
  host = await startLocalHost({ context, port: 0, keys: { admin: "akey", function: "fkey" }, log: () => {} });
});
afterAll(async () => {
  await host.stop();
});

const call = (method: string, path: string, body?: string, key = "akey") =>
  fetch(`${host.url}/api/${path}`, { method, headers: { "x-functions-key": key, "content-type": "application/json" }, ...(body === undefined ? {} : { body }) });

describe("profile admin API through the local host", () => {
  it("needs the admin key", async () => {
    expect((await call("GET", "profiles", undefined, "fkey")).status).toBe(401);
    expect((await call("PUT", `profiles/${designExample.id}`, JSON.stringify(designExample), "fkey")).status).toBe(401);
  });

  it("warns in the PUT reply about a secret setting the app does not hold, storing the profile", async () => {
    const profile = exampleWith({ id: "warned", auth: { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "NO_SUCH_SETTING_ANYWHERE" } });
    const put = await call("PUT", "profiles/warned", JSON.stringify(profile));
    expect(put.status).toBe(201);
    expect(((await put.json()) as { warnings: unknown }).warnings).toEqual([
      { field: "auth.passwordSetting", message: "names the app setting NO_SUCH_SETTING_ANYWHERE, which is not set here: the profile is stored, but its checks fail until the setting holds the secret" },
    ]);
    expect((await call("GET", "profiles/warned")).status).toBe(200);
    expect((await call("DELETE", "profiles/warned")).status).toBe(204);
  });

  it("creates, updates, exports, lists and deletes a profile", async () => {
    const { id, ...withoutId } = designExample;
    const created = await call("PUT", `profiles/${id}`, JSON.stringify(withoutId));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ ok: true, profileId: id, created: true });
    expect((await call("PUT", `profiles/${id}`, JSON.stringify(designExample))).status).toBe(200);

    const exported = await call("GET", `profiles/${id}`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe(JSON.stringify(designExample));

    const listed = (await (await call("GET", "profiles")).json()) as { profiles: { id: string }[] };
    expect(listed.profiles.map((p) => p.id)).toEqual([id]);
    expect(JSON.stringify(listed)).not.toMatch(/passwordSetting/);

    expect((await call("DELETE", `profiles/${id}`)).status).toBe(204);
    expect((await call("DELETE", `profiles/${id}`)).status).toBe(404);
    expect((await call("GET", `profiles/${id}`)).status).toBe(404);
  });

  it("refuses an invalid profile naming every wrong field, and stores nothing", async () => {
    const response = await call("PUT", "profiles/contoso", JSON.stringify(exampleWith({ id: "other", pollingIntervalMinutes: 0, auth: { kind: "basic", username: "svc" } })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string; details: { field: string; message: string }[] } };
    expect(body.error.code).toBe("invalid-profile");
    expect(body.error.details.map((p) => p.field).sort()).toEqual(["auth.passwordSetting", "auth.username", "id", "pollingIntervalMinutes"]);
    expect((await call("GET", "profiles/contoso")).status).toBe(404);
    expect((await call("GET", "profiles/other")).status).toBe(404);
  });

  it("names the body when it is not JSON, and a malformed id before touching a table", async () => {
    const notJson = await call("PUT", "profiles/contoso", "{ not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: "invalid-json", message: expect.stringMatching(/^The request is not valid: body must be a profile document in JSON/), details: [{ field: "body" }] } });
    context.storage.requests.reset();
    for (const [method, path] of [["GET", "profiles/Bad_Id"], ["DELETE", "profiles/Bad_Id"], ["PUT", "profiles/Bad_Id"]] as const) {
      const response = await call(method, path, method === "PUT" ? "{}" : undefined);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid-profile-id", details: [{ field: "id" }] } });
    }
    expect(context.storage.requests.table).toBe(0);
  });
});
