#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runDataverse } from "./dataverse.js";
import { appVersion } from "../lib/app-context.js";
import { runProfiles } from "./profiles.js";
import { runTestConnection } from "./test-connection.js";
import type { CliIo, Command } from "./io.js";

/** Each subcommand lives in its own file and is registered here by name; each answers --help with its usage and exit 0. */
export const commands: Record<string, { summary: string; run: Command }> = {
  "test-connection": {
    summary: "test-connection --profile FILE [--mailbox ADDRESS]... [--json] [--connect-to HOST1:PORT1:HOST2:PORT2]...",
    run: runTestConnection,
  },
  profiles: { summary: "profiles import FILE... | export ID [--out FILE] | list [--json] | delete ID", run: runProfiles },
  dataverse: { summary: "dataverse pull [--json] | sync [--json]", run: runDataverse },
};

export function usage(): string {
  return [
    "usage: exchange-sync-monitor <command> [arguments]",
    "",
    ...Object.values(commands).map((c) => `  ${c.summary}`),
    "",
    "  --help, -h       this text; COMMAND --help for a command's own",
    "  --version, -V    the version",
  ].join("\n");
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout(`exchange-sync-monitor ${appVersion()}`);
    return 0;
  }
  if (name === "help" && args[0] !== undefined && Object.hasOwn(commands, args[0])) return commands[args[0]]!.run(["--help"], io);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.stderr(`unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    io.stderr(`${name} failed: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io: CliIo = {
    env: process.env,
    stdout: (line) => void process.stdout.write(`${line}\n`),
    stderr: (line) => void process.stderr.write(`${line}\n`),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
