import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../lib/app-context.js";
import { recentAlerts } from "../../lib/store/alerts.js";
import { readChecksForHours } from "../../lib/store/checks.js";
import { hourKey } from "../../lib/store/keys.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { readSummary } from "../../lib/store/summaries.js";
import { latestTestConnections } from "../../lib/store/connection.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { contosoProfile, litwareProfile } from "../support/cycle-org.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";

let app: CycleApp;
let sim: SimulatedOrg;
let context: AppContext;

beforeAll(async () => {
  app = await startCycleApp([contosoProfile(), litwareProfile()]);
  ({ sim, context } = app);
  await app.host.timers.fire("schedule");
  await app.host.queues.idle(60_000);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

const stateOf = async (profileId: string) => Object.fromEntries((await listMailboxes(context.storage, profileId)).map((m) => [m.address.split("@")[0], m]));

describe("a probe cycle through schedule → queue → probe on the local host", () => {
  it("enables every mailbox of the healthy profile with all channels successful", async () => {
    const mailboxes = await stateOf("contoso");
    expect(Object.keys(mailboxes)).toHaveLength(6);
    for (const m of Object.values(mailboxes)) {
      expect(m.state).toBe("enabled");
      expect(m.channels).toEqual({ incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" });
      expect(m.ewsUrl).toBe("https://mail.contoso.com/EWS/Exchange.asmx");
      expect(m.lastCycle).toBe(1);
    }
    const summary = await readSummary(context.storage, "contoso");
    expect(summary).toMatchObject({ health: "ok", lastHour: { processed: 6, failed: 0 }, mailboxStates: { enabled: 6, disabled: 0 } });
    expect(summary?.lastTestConnection?.ok).toBe(true);
  });

  it("stores each failing mailbox's state, channels and diagnosis, and the permanent ones are disabled at once", async () => {
    const m = await stateOf("litware");
    const brief = (name: string) => [m[name]!.state, m[name]!.lastError?.category];
    expect(brief("ok1")).toEqual(["enabled", undefined]);
    expect(brief("gone1")).toEqual(["disabled", "autodiscover-not-found"]);
    expect(brief("denied1")).toEqual(["disabled", "impersonation-denied"]);
    expect(brief("busy1")).toEqual(["retrying", "server-busy"]);
    expect(brief("calendar1")).toEqual(["disabled", "access-denied"]);
    expect(brief("unreachable")).toEqual(["retrying", "connection-refused"]);
    expect(brief("elsewhere")).toEqual(["disabled", "autodiscover-redirect-refused"]);
    expect(m.calendar1!.channels).toEqual({ incoming: "success", outgoing: "success", appointmentsContactsTasks: "failure" });
    expect(m.denied1!.channels).toEqual({ incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" });
    // The server's back-off (10 minutes) is longer than the 5-minute retry: it wins.
    expect(Date.parse(m.busy1!.nextAttemptAt!) - Date.parse(m.busy1!.lastCheckedAt!)).toBe(600_000);
    expect(Date.parse(m.busy2!.nextAttemptAt!) - Date.parse(m.busy2!.lastCheckedAt!)).toBe(300_000);
    expect(Object.values(m).filter((x) => x.state !== "enabled")).toHaveLength(10);
  });

  it("writes a checks row per mailbox in the hour's partition and rolls the hour up", async () => {
    const now = new Date();
    const checks = await readChecksForHours(context.storage, "litware", [...new Set([hourKey(new Date(now.getTime() - 3_600_000)), hourKey(now)])]);
    expect(checks).toHaveLength(15);
    expect(checks.filter((c) => c.lastSuccessAt !== undefined)).toHaveLength(5);
    expect(checks.find((c) => c.address === "denied1@litware.com")?.lastError?.code).toBe("ErrorImpersonateUserDenied");
    const summary = await readSummary(context.storage, "litware");
    expect(summary?.lastHour).toMatchObject({ processed: 15, failed: 10, succeeded: 5 });
    expect(summary?.health).toBe("failing");
    expect(summary?.hourly.at(-1)).toMatchObject({ processed: 15, failed: 10 });
    expect((await latestTestConnections(context.storage, "litware", 5)).length).toBe(1);
  });

  it("leaves an alert for the mailbox and for the owner when it disables one", async () => {
    const alerts = await recentAlerts(context.storage, "litware", 100);
    const disabled = alerts.filter((a) => a.kind === "mailbox-disabled");
    expect(disabled).toHaveLength(7);
    const denied = disabled.filter((a) => a.address === "denied1@litware.com");
    expect(denied.map((a) => a.audiences)).toEqual([["mailbox", "owner"]]);
    expect(denied[0]!.failure?.category).toBe("impersonation-denied");
    expect(denied[0]!.message).toMatch(/ApplicationImpersonation/);
    expect(await recentAlerts(context.storage, "contoso", 10)).toEqual([]);
  });

  it("never sent credentials over http or outside the profile's domains", () => {
    expect(sim.counters.leakedCredentials(["contoso.com", "autodiscover.contoso.com", "mail.contoso.com", "autodiscover.litware.com", "litware.com", "mail.litware.com", "mail2.litware.com", "mail3.litware.com"])).toEqual([]);
    expect(sim.counters.credentials.some((c) => c.host.endsWith("fabrikam.com"))).toBe(false);
  });
});
