import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMailbox } from "../../lib/store/mailboxes.js";
import { recentAlerts } from "../../lib/store/alerts.js";
import { litwareProfile } from "../support/cycle-org.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";

let app: CycleApp;
let clock = Date.now();

beforeAll(async () => {
  // ok1 answers; unreachable's server refuses connections (a transient failure, every time).
  app = await startCycleApp([litwareProfile(["ok1@litware.com", "unreachable@litware.com"])], {}, {}, () => new Date(clock));
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

/** One polling interval later (and the 5-minute retry delay): schedule → queue → probe → storage, as the hosts run it. */
async function nextCycle(): Promise<void> {
  clock += 5 * 60_000 + 1_000;
  await app.host.timers.fire("schedule");
  await app.host.queues.idle(60_000);
}

describe("10 transient failures in a row, then disabled: the platform's policy through the whole app", () => {
  it("retries 5 minutes apart; the 9th failure leaves it retrying, the 10th disables it with an alert", async () => {
    const unreachable = () => getMailbox(app.context.storage, "litware", "unreachable@litware.com");
    for (let n = 1; n <= 9; n++) {
      await nextCycle();
      const m = await unreachable();
      expect([m?.state, m?.consecutiveFailures, m?.lastCycle]).toEqual(["retrying", n, n]);
      expect(m?.lastError?.category).toBe("connection-refused");
      expect(Date.parse(m!.nextAttemptAt!) - Date.parse(m!.lastCheckedAt!)).toBe(5 * 60_000);
    }
    expect((await recentAlerts(app.context.storage, "litware", 50)).filter((a) => a.kind === "mailbox-disabled")).toEqual([]);

    await nextCycle();
    const disabled = await unreachable();
    expect([disabled?.state, disabled?.consecutiveFailures]).toEqual(["disabled", 10]);
    expect(disabled?.disabledReason?.category).toBe("connection-refused");
    const alerts = (await recentAlerts(app.context.storage, "litware", 50)).filter((a) => a.kind === "mailbox-disabled");
    expect(alerts.map((a) => [a.address, a.audiences])).toEqual([["unreachable@litware.com", ["mailbox", "owner"]]]);
    expect(alerts[0]!.message).toMatch(/10 tries in a row failed/);

    // Disabled means no more tries: the next cycle leaves it alone; ok1 stayed enabled throughout.
    await nextCycle();
    expect((await unreachable())?.lastCycle).toBe(10);
    expect((await getMailbox(app.context.storage, "litware", "ok1@litware.com"))?.state).toBe("enabled");
  }, 180_000);
});
