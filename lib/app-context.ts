import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TokenCache } from "./auth/oauth.js";
import { SettingsError, type Settings } from "./config/settings.js";
import type { ProbeEnvironment } from "./probes/kind.js";
import { createStorage, type Storage } from "./store/storage.js";
import { createOnce, type Once } from "./util/once.js";

/**
 * Everything a use case needs from the process, built in one place (app/main.ts for the Functions host,
 * local/main.ts for the local host, test/support/app.ts for tests) and handed to every handler explicitly.
 * Use cases in lib/ declare the slice they read; this type satisfies each of them.
 */
export interface AppContext {
  settings: Settings;
  storage: Storage;
  env: Record<string, string | undefined>;
  now(): Date;
  version: string;
  /** The network, secrets and access tokens every probe uses: DNS_SERVERS, TRUSTED_CA_FILE, the profiles' secret settings. */
  probe: ProbeEnvironment;
  /** This context's singletons: the status caches, the one-time import of PROFILE_FILES. */
  once: Once;
}

/** Settings come validated from the caller, which reports a SettingsError its own way (exit code, app-start hook). */
export function createAppContext(settings: Settings, overrides: Partial<Omit<AppContext, "settings">> = {}): AppContext {
  const env = overrides.env ?? process.env;
  return {
    settings,
    storage: overrides.storage ?? createStorage(settings.storage, { tablePrefix: settings.tablePrefix }),
    env,
    probe: overrides.probe ?? probeEnvironment(settings, env),
    now: overrides.now ?? (() => new Date()),
    version: overrides.version ?? appVersion(),
    once: overrides.once ?? createOnce(),
  };
}

/** The probe's network from the settings, and a new token cache; an unreadable TRUSTED_CA_FILE stops start-up with its name. */
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
  return { env, network, tokens: new TokenCache() };
}

/** The version in package.json, found from wherever this file runs (sources or dist/); read once per context. */
export function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, "utf8")) as { version?: string }).version ?? "0.0.0";
    dir = dirname(dir);
  }
  return "0.0.0";
}
