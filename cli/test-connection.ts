import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { TokenCache } from "../lib/auth/index.js";
import { parseJsonText } from "../lib/config/json-text.js";
import { parseProfile } from "../lib/config/profile.js";
import { probeEnvironment } from "../lib/app-context.js";
import { loadSettings, SettingsError } from "../lib/config/settings.js";
import { connectToFunction, parseConnectTo } from "../lib/net/connect-to.js";
import type { NetworkSettings } from "../lib/net/index.js";
import { probeKindFor } from "../lib/probes/choose.js";
import { publicReport } from "../lib/recording/connection-run.js";
import type { CliIo } from "./io.js";
import { renderReport } from "./render-report.js";

export const testConnectionUsage = `usage: exchange-sync-monitor test-connection --profile FILE [--mailbox ADDRESS]... [--json] [--connect-to HOST1:PORT1:HOST2:PORT2]...

Runs Test Connection once (Autodiscover / HTTPS, EWS, mailbox; for Exchange Online through Microsoft Graph:
token, graph, mailbox, then readiness for the EWS shutdown) and, for each --mailbox, Test & Enable's
checks without changing any state. Exit status: 0 all passed, 1 something failed, 2 the input was wrong.
Settings read: DNS_SERVERS, TRUSTED_CA_FILE, and the setting the profile names for its secret.`;

/** Exit statuses of the command-line contract. */
const exitCodes = { passed: 0, failed: 1, badInput: 2 } as const;

/** `exchange-sync-monitor test-connection`: the command-line contract of the design. */
export async function runTestConnection(argv: string[], io: CliIo): Promise<number> {
  let values: { profile?: string; mailbox?: string[]; json?: boolean; "connect-to"?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        profile: { type: "string" },
        mailbox: { type: "string", multiple: true },
        json: { type: "boolean" },
        "connect-to": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${testConnectionUsage}`);
    return exitCodes.badInput;
  }
  if (values.help) {
    io.stdout(testConnectionUsage);
    return exitCodes.passed;
  }
  const problems: string[] = [];
  if (values.profile === undefined) problems.push("--profile: is required (the profile file to test)");
  const mailboxes = values.mailbox ?? [];
  for (const m of mailboxes) if (!z.email().safeParse(m).success) problems.push(`--mailbox: "${m}" is not an email address`);
  const connectTo = parseConnectTo(values["connect-to"] ?? []);
  if (!connectTo.ok) problems.push(`--connect-to: ${connectTo.problem}`);

  const network = networkFrom(io, problems);
  const profile = values.profile === undefined ? undefined : await readProfile(resolve(io.cwd ?? process.cwd(), values.profile), values.profile, problems);
  if (problems.length > 0 || profile === undefined || network === undefined || !connectTo.ok) {
    io.stderr(problems.join("\n"));
    return exitCodes.badInput;
  }
  const connectToHook = connectToFunction(connectTo.rules);
  if (connectToHook !== undefined) network.connectTo = connectToHook;

  const opened = await probeKindFor(profile).open(profile, { maxConnections: profile.maxConcurrentConnections }, { env: io.env, network, tokens: new TokenCache() });
  if (!opened.ok) {
    io.stderr(`${values.profile}: ${opened.failure.message}`);
    return exitCodes.badInput;
  }
  try {
    const report = publicReport(await opened.value.checkEndpoints({ mailboxes, placeByAutodiscover: true }));
    io.stdout(values.json ? JSON.stringify(report, null, 2) : renderReport(report, profile.name));
    return report.ok ? exitCodes.passed : exitCodes.failed;
  } finally {
    await opened.value.close();
  }
}

async function readProfile(path: string, shown: string, problems: string[]) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    problems.push(`${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
  const json = parseJsonText(text);
  if (!json.ok) {
    problems.push(`${shown}: ${json.message}`);
    return undefined;
  }
  const parsed = parseProfile(json.value);
  if (!parsed.ok) {
    for (const p of parsed.problems) problems.push(`${shown}: ${p.field}: ${p.message}`);
    return undefined;
  }
  return parsed.profile;
}

/** The probe's network from DNS_SERVERS and TRUSTED_CA_FILE (relative to the working directory), as the app reads them. */
function networkFrom(io: CliIo, problems: string[]): NetworkSettings | undefined {
  try {
    const settings = loadSettings({ DNS_SERVERS: io.env.DNS_SERVERS, TRUSTED_CA_FILE: io.env.TRUSTED_CA_FILE });
    if (settings.trustedCaFile !== undefined) settings.trustedCaFile = resolve(io.cwd ?? process.cwd(), settings.trustedCaFile);
    return probeEnvironment(settings, io.env).network;
  } catch (error) {
    if (error instanceof SettingsError) {
      for (const p of error.problems) problems.push(`${p.field}: ${p.message}`);
      return undefined;
    }
    throw error;
  }
}
