#!/usr/bin/env node
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { loadSettings, SettingsError, type Settings } from "../lib/config/settings.js";
import { createAppContext } from "../lib/app-context.js";
import { startAzurite, type RunningAzurite } from "./azurite.js";
import { developmentStorageProblem, usesDevelopmentStorage } from "./dev-storage.js";
import { readHostConfig } from "./host-config.js";
import { startLocalHost, type LocalHost } from "./host.js";
import { startDemo, type Demo } from "./demo/demo.js";
import { demoWalkthrough } from "./demo/walkthrough.js";
import { applyLocalSettings } from "./local-settings.js";
import { errorText, lineLog, type LocalLog } from "./log.js";
import { listProfiles } from "../lib/store/profiles.js";
import type { Storage } from "../lib/store/storage.js";
import { demoStories } from "../sim/demo-story.js";
import type { DemoProfileStory } from "./demo/walkthrough.js";

export interface LocalHostCommand {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the host should stop (Ctrl-C). */
  stopSignal: Promise<void>;
  /** Where local.settings.json, host.json and the demo's mail folder are looked for (default: the current directory). */
  cwd?: string;
  /** Tests only: the ports UseDevelopmentStorage=true is checked on (default Azurite's 10001 and 10002). */
  developmentStoragePorts?: { queue: number; table: number };
}

/** `npm start`: returns the exit status instead of exiting, so tests can drive it. */
export async function runLocalHost(command: LocalHostCommand): Promise<number> {
  const { env } = command;
  const { values } = parseArgs({
    args: command.argv,
    options: {
      port: { type: "string" },
      demo: { type: "boolean" },
      "no-demo": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    command.stdout(
      "npm start [-- --port 7071] [--demo | --no-demo]\nRuns the function app on this machine; see README.md for the settings it reads.\n" +
        "With no storage, no PROFILE_FILES and no DATAVERSE_URL configured it runs the demo (a simulated Exchange organisation); --no-demo turns that off.\n" +
          "LOG_LEVEL (error, warn, info, debug; default info) sets how much it writes.",
    );
    return 0;
  }
  const cwd = command.cwd ?? process.cwd();
  applyLocalSettings(resolve(cwd, "local.settings.json"), env);
  // --port, else LOCAL_HTTP_PORT (from local.settings.json too, so read after it), else 7071.
  const portText = values.port ?? (env.LOCAL_HTTP_PORT?.trim() || "7071");
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    command.stderr(`${values.port === undefined ? "LOCAL_HTTP_PORT" : "--port"}: "${portText}" is not a port number`);
    return 2;
  }
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) {
      command.stderr(error.message);
      return 1;
    }
    throw error;
  }

  if (settings.storage.kind === "connection-string" && usesDevelopmentStorage(settings.storage.connectionString)) {
    const problem = await developmentStorageProblem(command.developmentStoragePorts);
    if (problem !== undefined) {
      command.stderr(problem);
      return 1;
    }
  }

  // Every line goes to the command's stdout (the console, or a test's buffer), from LOG_LEVEL up.
  const log: LocalLog = lineLog(command.stdout, settings.logLevel);
  const wantsDemo = values.demo === true || (values["no-demo"] !== true && settings.storage.kind === "not-configured" && settings.profileFiles.length === 0 && settings.dataverse === undefined);
  let demo: Demo | undefined;
  let azurite: RunningAzurite | undefined;
  let host: LocalHost | undefined;
  try {
    if (wantsDemo) {
      demo = await startDemo(port === 0 ? 7071 : port, log, resolve(cwd, env.DEMO_MAIL_DIR?.trim() || "demo-mail"));
      applyDemoSettings(env, demo.env);
      settings = loadSettings(env);
    }

    if (settings.storage.kind === "not-configured") {
      log("No storage configured: starting the storage emulator (Azurite) in memory");
      azurite = await startAzurite();
      env.AzureWebJobsStorage = azurite.connectionString;
      settings = loadSettings(env);
    }
    const context = createAppContext(settings, demo ? { env, probe: demo.probe } : { env });
    if (demo) await demo.load(context);

    host = await startLocalHost({
      context,
      port,
      hostConfig: readHostConfig(resolve(cwd, "host.json")),
      log,
      keys: { function: env.LOCAL_FUNCTION_KEY, admin: env.LOCAL_ADMIN_KEY },
    });

    command.stdout(`\nexchange-sync-monitor ${context.version} is running on ${host.url}\n`);
    for (const r of host.registrations) {
      if (r.kind === "http") command.stdout(`  ${r.name.padEnd(24)} ${r.methods.join(",").padEnd(10)} ${host.url}/api/${r.route}  (${r.authLevel})`);
      if (r.kind === "timer") command.stdout(`  ${r.name.padEnd(24)} timer      ${r.schedule}`);
      if (r.kind === "queue") command.stdout(`  ${r.name.padEnd(24)} queue      ${r.queueName}`);
    }
    command.stdout(`\n  function key: ${host.keys.function}\n  admin key:    ${host.keys.admin}`);
    command.stdout("  (send it as ?code=KEY or the x-functions-key header; Ctrl-C stops)\n");
    if (azurite) {
      command.stdout("  storage: Azurite in memory (emptied when the host stops); for the command line, e.g. `npx exchange-sync-monitor profiles list`:");
      command.stdout(`    export AzureWebJobsStorage='${azurite.connectionString}'`);
      command.stdout("    (its AccountKey is the storage emulator's well-known development key, published by Microsoft: not a secret)\n");
    }
    if (demo) command.stdout(demoWalkthrough(host.url, host.keys.function, demo.mailFolder, await demoProfileStories(context.storage)));
    await command.stopSignal;
    log("Stopping");
  } finally {
    // Whatever failed on the way up, nothing is left running: the host, the demo's servers, the Azurite child.
    const log = lineLog(command.stderr, "warn");
    await host?.stop().catch((error: unknown) => log(`The host did not stop cleanly: ${errorText(error)}`, "warn"));
    await demo?.stop().catch((error: unknown) => log(`The demo did not stop cleanly: ${errorText(error)}`, "warn"));
    await azurite?.stop();
  }
  return 0;
}

/**
 * The demo's settings fill what is not set (a blank value from local.settings.json counts as not set); its mail
 * settings come as a whole unless SMTP_HOST is set, so a sample's SMTP_PORT or SMTP_TLS never points the demo's
 * email at a server that is not there.
 */
export function applyDemoSettings(env: NodeJS.ProcessEnv, demo: Record<string, string>): void {
  const smtpIsTheDemos = !env.SMTP_HOST?.trim();
  for (const [name, value] of Object.entries(demo)) {
    if (!env[name]?.trim() || (smtpIsTheDemos && name.startsWith("SMTP_"))) env[name] = value;
  }
}

/** What the walkthrough says of each demo profile: its name and owner as loaded, and its story (sim/demo-story.ts). */
async function demoProfileStories(storage: Storage): Promise<DemoProfileStory[]> {
  return (await listProfiles(storage)).map(({ profile: { id, name, owner } }) => {
    const story = demoStories[id] ?? { shows: "(no story in sim/demo-story.ts)", health: "unknown" as const, ownerAlerted: false };
    return { id, name, owner, ...story };
  });
}

const entry = process.argv[1] ?? "";
if (import.meta.url.endsWith(entry.replace(/\\/g, "/"))) {
  const stopSignal = new Promise<void>((resolveStop) => {
    process.once("SIGINT", () => resolveStop());
    process.once("SIGTERM", () => resolveStop());
  });
  runLocalHost({ argv: process.argv.slice(2), env: process.env, stdout: console.log, stderr: console.error, stopSignal }).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`The local host could not start: ${errorText(error)}`);
      process.exit(1);
    },
  );
}
