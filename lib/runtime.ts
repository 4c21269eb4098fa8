import { existsSync, readFileSync } from "node:fs";
import type { ProbeEnvironment } from "./probes/kind.js";
import { installRegistrationValues } from "./config/registration.js";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { settings as loadProcessSettings, SettingsError, type Settings } from "./config/settings.js";
import { createStorage, type Storage } from "./store/storage.js";

/** What every function needs from the process: validated settings, storage, the clock. */
export interface Runtime {
  settings: Settings;
  storage: Storage;
  env: Record<string, string | undefined>;
  now(): Date;
  version: string;
  /** The network and secrets every probe uses: DNS_SERVERS, TRUSTED_CA_FILE, the profiles' secret settings. */
  probe: ProbeEnvironment;
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime(loadProcessSettings());
  return current;
}

/** Tests and the local host build their own runtime (another clock, another storage) and install it here. */
export function setRuntime(next: Runtime | undefined): void {
  current = next;
  installRegistrationValues(next === undefined ? undefined : { schedules: next.settings.schedules, probeQueue: next.settings.probeQueue });
}

export function createRuntime(
  settings: Settings,
  overrides: Partial<Omit<Runtime, "settings">> = {},
): Runtime {
  const env = overrides.env ?? process.env;
  return {
    settings,
    storage: overrides.storage ?? createStorage(settings.storage, { tablePrefix: settings.tablePrefix }),
    env,
    probe: overrides.probe ?? probeEnvironment(settings, env),
    now: overrides.now ?? (() => new Date()),
    version: overrides.version ?? appVersion(),
  };
}

/** The probe's network from the settings; an unreadable TRUSTED_CA_FILE stops start-up with its name. */
export function probeEnvironment(settings: Settings, env: Record<string, string | undefined>): ProbeEnvironment {
  const network: ProbeEnvironment["network"] = { dnsServers: settings.dnsServers };
  if (settings.trustedCaFile !== undefined) {
    try {
      network.extraCaPem = readFileSync(settings.trustedCaFile, "utf8");
    } catch (error) {
      throw new SettingsError([{ field: "TRUSTED_CA_FILE", message: `${settings.trustedCaFile} cannot be read (${(error as NodeJS.ErrnoException).code})` }]);
    }
    if (!network.extraCaPem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new SettingsError([{ field: "TRUSTED_CA_FILE", message: `${settings.trustedCaFile} holds no PEM certificate` }]);
    }
  }
  return { env, network };
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
