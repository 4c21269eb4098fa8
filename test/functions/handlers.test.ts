import { describe, expect, it } from "vitest";
import { functions } from "../../app/functions.js";
import { notify } from "../../functions/notify.js";
import { probe } from "../../functions/probe.js";
import { profileDelete } from "../../functions/profile-delete.js";
import { profileGet } from "../../functions/profile-get.js";
import { profilePut } from "../../functions/profile-put.js";
import { profileTestConnection } from "../../functions/profile-test-connection.js";
import { statusProfile } from "../../functions/status-profile.js";
import { designExample } from "../profiles/fixtures.js";
import { invocation, request, sent, testContext } from "../support/app.js";

describe("function handlers called directly with an app context", () => {
  it("answers every unknown profile with the one 404 body, whichever endpoint", async () => {
    const context = testContext();
    const replies = [
      await profileGet.handler(context, request({ params: { id: "nobody" } }), invocation()),
      await profileDelete.handler(context, request({ method: "DELETE", params: { id: "nobody" } }), invocation()),
      await statusProfile.handler(context, request({ params: { profileId: "nobody" } }), invocation()),
      await profileTestConnection.handler(context, request({ method: "POST", params: { id: "nobody" } }), invocation()),
    ];
    for (const reply of replies) {
      expect(await sent(reply)).toEqual({ status: 404, body: { error: { code: "profile-not-found", message: "No profile nobody" } } });
    }
  });

  it("checks the route's id before any table call and names the field", async () => {
    const context = testContext();
    context.storage.requests.reset();
    const get = await sent(await profileGet.handler(context, request({ params: { id: "Bad_Id" } }), invocation()));
    const status = await sent(await statusProfile.handler(context, request({ params: { profileId: "Bad_Id" } }), invocation()));
    expect(get).toMatchObject({ status: 400, body: { error: { code: "invalid-profile-id", message: expect.stringContaining("id "), details: [{ field: "id" }] } } });
    expect(status).toMatchObject({ status: 400, body: { error: { code: "invalid-profile-id", details: [{ field: "profileId" }] } } });
    expect(context.storage.requests.table).toBe(0);
  });

  it("imports a profile from a PUT body and reads it back, refusing a body that is not JSON", async () => {
    const context = testContext();
    const id = designExample.id;
    const notJson = await sent(await profilePut.handler(context, request({ method: "PUT", params: { id }, body: "{ nope" }), invocation()));
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: "invalid-json", details: [{ field: "body" }] } } });
    const created = await sent(await profilePut.handler(context, request({ method: "PUT", params: { id }, body: JSON.stringify(designExample) }), invocation()));
    expect(created).toMatchObject({ status: 201, body: { ok: true, profileId: id, created: true } });
    expect(await sent(await profileGet.handler(context, request({ params: { id } }), invocation()))).toMatchObject({ status: 200, body: { id } });
  });

  it("reads timer schedules and the queue name from the settings, not at import", () => {
    const context = testContext({ NOTIFY_CRON: "0 */7 * * * *" });
    expect(notify.schedule(context.settings)).toBe("0 */7 * * * *");
    expect(probe.queueName(context.settings)).toBe(context.settings.probeQueue);
    expect(context.settings.probeQueue).toMatch(/^probe-/);
  });

  it("declares every function once, by a unique name", () => {
    const names = functions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(17);
  });
});
