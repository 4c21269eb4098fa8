import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalHost } from "../../local/host.js";
import type { AppContext } from "../../lib/app-context.js";
import { recentAlerts } from "../../lib/store/alerts.js";
import { latestTestConnections } from "../../lib/store/connection.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { litwareProfile } from "../support/cycle-org.js";

let app: CycleApp;
let context: AppContext;
let host: LocalHost;

beforeAll(async () => {
  const profile = litwareProfile();
  profile.mailboxes = profile.mailboxes!.map((m) => ({ ...m, approved: false }));
  app = await startCycleApp([profile], { keys: { function: "f", admin: "a" } });
  ({ context, host } = app);
});

afterAll(async () => {
  await app?.stop();
});

const post = (path: string, body?: unknown, key = "a") =>
  fetch(`${host.url}/api/${path}`, { method: "POST", headers: { "x-functions-key": key }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe("Test Connection and Test & Enable on demand", () => {
  it("runs Test Connection and returns the command line's object, recorded in the connection table", async () => {
    const response = await post("profiles/litware/test-connection", { mailboxes: ["ok1@litware.com", "denied1@litware.com"] });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { ok: boolean; steps: { step: string; ok: boolean }[]; mailboxes: { address: string; ok: boolean; error?: { category: string } }[] };
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["autodiscover", true], ["ews", true], ["mailbox", true]]);
    expect(report.ok).toBe(false);
    expect(report.mailboxes.map((m) => [m.address, m.ok, m.error?.category])).toEqual([
      ["ok1@litware.com", true, undefined],
      ["denied1@litware.com", false, "impersonation-denied"],
    ]);
    expect(await latestTestConnections(context.storage, "litware", 5)).toHaveLength(1);
    // Test Connection changes no mailbox.
    expect((await listMailboxes(context.storage, "litware")).every((m) => m.state === "pending-approval")).toBe(true);
  });

  it("approves, tests and enables or disables the listed mailboxes, leaving an alert for each", async () => {
    const response = await post("profiles/litware/mailboxes/test-and-enable", { addresses: ["OK2@litware.com", "gone1@litware.com", "busy1@litware.com"] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { mailboxes: { address: string; state: string; check: { ok: boolean } }[] };
    expect(body.mailboxes.map((m) => [m.address, m.state, m.check.ok])).toEqual([
      ["ok2@litware.com", "enabled", true],
      ["gone1@litware.com", "disabled", false],
      ["busy1@litware.com", "retrying", false],
    ]);
    const stored = Object.fromEntries((await listMailboxes(context.storage, "litware")).map((m) => [m.address, m]));
    expect(stored["ok2@litware.com"]).toMatchObject({ approved: true, state: "enabled" });
    expect(stored["ok3@litware.com"]).toMatchObject({ approved: false, state: "pending-approval" });
    const alerts = await recentAlerts(context.storage, "litware", 20);
    expect(alerts.filter((a) => a.address === "ok2@litware.com").map((a) => a.kind)).toEqual(["mailbox-enabled"]);
    // One record for both audiences of the one event.
    expect(alerts.filter((a) => a.address === "gone1@litware.com").map((a) => a.audiences)).toEqual([["mailbox", "owner"]]);
  });

  it("refuses bad input with the reason and unknown profiles with 404", async () => {
    expect((await post("profiles/litware/mailboxes/test-and-enable", { addresses: ["nobody@litware.com"] })).status).toBe(400);
    const unknown = await post("profiles/litware/mailboxes/test-and-enable", { addresses: ["nobody@litware.com", "not-an-address"] });
    expect(((await unknown.json()) as { error: { details: { field: string }[] } }).error.details.map((p) => p.field)).toEqual(["addresses[1]"]);
    const malformed = await fetch(`${host.url}/api/profiles/litware/test-connection`, { method: "POST", headers: { "x-functions-key": "a" }, body: "{" });
    expect(malformed.status).toBe(400);
    expect((await post("profiles/litware/test-connection", { colour: "blue" })).status).toBe(400);
    expect((await post("profiles/nope/test-connection")).status).toBe(404);
    expect((await post("profiles/Bad%20Id/test-connection")).status).toBe(400);
    expect((await post("profiles/litware/test-connection", undefined, "f")).status).toBe(401);
  });
});
