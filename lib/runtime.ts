import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { settings as loadProcessSettings, type Settings } from "./config/settings.js";
import { createStorage, type Storage } from "./store/storage.js";

/** What every function needs from the process: validated settings, storage, the clock. */
export interface Runtime {
  settings: Settings;
  storage: Storage;
  env: Record<string, string | undefined>;
  now(): Date;
  version: string;
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime(loadProcessSettings());
  return current;
}

/** Tests and the local host build their own runtime (another clock, another storage) and install it here. */
export function setRuntime(next: Runtime | undefined): void {
  current = next;
}

export function createRuntime(
  settings: Settings,
  overrides: Partial<Omit<Runtime, "settings">> = {},
): Runtime {
  return {
    settings,
    storage: overrides.storage ?? createStorage(settings.storage, { tablePrefix: settings.tablePrefix }),
    env: overrides.env ?? process.env,
    now: overrides.now ?? (() => new Date()),
    version: overrides.version ?? appVersion(),
  };
}

let version: string | undefined;

/** The version in package.json, found from wherever this file runs (sources or dist/). */
export function appVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      version = (JSON.parse(readFileSync(candidate, "utf8")) as { version?: string }).version ?? "0.0.0";
      return version;
    }
    dir = dirname(dir);
  }
  version = "0.0.0";
  return version;
}
