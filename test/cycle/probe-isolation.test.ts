import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultHostConfig } from "../../local/host-config.js";
import type { AppContext } from "../../lib/app-context.js";
import { listMailboxes } from "../../lib/store/mailboxes.js";
import { decodeQueuePayload } from "../../lib/cycle/message.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { contosoProfile, litwareProfile } from "../support/cycle-org.js";

let app: CycleApp;
let context: AppContext;
const logs: string[] = [];

beforeAll(async () => {
  app = await startCycleApp([contosoProfile(), litwareProfile()], {
    hostConfig: { ...defaultHostConfig, queues: { ...defaultHostConfig.queues, maxPollingIntervalMs: 200, visibilityTimeoutMs: 0 } },
    log: (line) => logs.push(line),
  });
  ({ context } = app);
  // Break litware's stored settings the way a bad manual edit of the table would: its auth is gone.
  const profiles = await context.storage.table("profiles");
  const entity = await profiles.getEntity<{ settings: string }>("profile", "litware");
  const settings = JSON.parse(entity.settings) as Record<string, unknown>;
  delete settings.auth;
  await profiles.updateEntity({ partitionKey: "profile", rowKey: "litware", settings: JSON.stringify(settings) }, "Merge");
  await app.host.timers.fire("schedule");
  await app.host.queues.idle(60_000);
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

describe("one profile's failure never stops the others", () => {
  it("completes the healthy profile while the broken one's probe throws", async () => {
    const contoso = await listMailboxes(context.storage, "contoso");
    expect(contoso.map((m) => m.state)).toEqual(Array(6).fill("enabled"));
    const litware = await listMailboxes(context.storage, "litware");
    expect(litware).toHaveLength(15);
    expect(litware.every((m) => m.lastCheckedAt === undefined)).toBe(true);
  });

  it("keeps the broken profile's message in the poison queue after five tries, with the error logged", async () => {
    const poison = await (await context.storage.queue(`${context.settings.probeQueue}-poison`)).receiveMessages({ numberOfMessages: 10 });
    expect(poison.receivedMessageItems.map((m) => (decodeQueuePayload(m.messageText) as { profileId: string }).profileId)).toEqual(["litware"]);
    expect(logs.filter((l) => l.startsWith("probe (queue") && l.includes("failed")).length).toBe(5);
  });
});
