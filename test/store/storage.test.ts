import { describe, expect, it } from "vitest";
import { createStorage, StorageNotConfigured } from "../../lib/store/storage.js";
import { testSettings } from "../support/storage.js";

describe("storage access", () => {
  it("creates a table on first use and counts the requests it sends", async () => {
    const settings = testSettings();
    const storage = createStorage(settings.storage, { tablePrefix: settings.tablePrefix });
    const profiles = await storage.table("profiles");
    expect(profiles.tableName).toBe(`${settings.tablePrefix}profiles`);
    storage.requests.reset();
    await profiles.upsertEntity({ partitionKey: "profile", rowKey: "contoso", name: "Contoso" });
    const again = await storage.table("profiles");
    expect(again).toBe(profiles);
    const entity = await again.getEntity<{ name: string }>("profile", "contoso");
    expect(entity.name).toBe("Contoso");
    expect(storage.requests.table).toBe(2);
  });

  it("creates a queue on first use", async () => {
    const settings = testSettings();
    const storage = createStorage(settings.storage);
    const queue = await storage.queue(settings.probeQueue);
    await queue.sendMessage("aGVsbG8=");
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
  });

  it("refuses to work without a storage target", async () => {
    const storage = createStorage({ kind: "not-configured" });
    await expect(storage.table("profiles")).rejects.toBeInstanceOf(StorageNotConfigured);
  });
});
