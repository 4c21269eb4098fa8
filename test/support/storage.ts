import { inject } from "vitest";
import { randomBytes } from "node:crypto";
import { loadSettings, type Settings } from "../../lib/config/settings.js";
import { createStorage, type Storage } from "../../lib/store/storage.js";

/** Each test gets its own table prefix and queue names in the shared Azurite, so tests never see each other's data. */
export function uniqueName(stem: string): string {
  return `${stem}${randomBytes(4).toString("hex")}`;
}

export function testSettings(env: Record<string, string> = {}): Settings {
  return loadSettings({
    AzureWebJobsStorage: inject("storageConnectionString"),
    TABLE_PREFIX: uniqueName("t"),
    PROBE_QUEUE: uniqueName("probe-"),
    ...env,
  });
}

export function testStorage(settings: Settings = testSettings()): Storage {
  return createStorage(settings.storage, { tablePrefix: settings.tablePrefix });
}
