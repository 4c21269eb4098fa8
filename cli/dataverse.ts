import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createAppContext, probeEnvironment } from "../lib/app-context.js";
import { describeProblems, type FieldProblem } from "../lib/config/issues.js";
import { loadSettings, SettingsError, type Settings } from "../lib/config/settings.js";
import { exitCodeOf, formatPull, runPull } from "../lib/dataverse/run-pull.js";
import type { Failure } from "../lib/model/failure.js";
import { connectToFunction, parseConnectTo } from "../lib/net/connect-to.js";
import { syncDataverse, type SyncOutcome } from "../lib/profiles/dataverse-sync.js";
import type { CliIo } from "./io.js";

export const dataverseUsage = `exchange-sync-monitor dataverse pull [--json] | sync [--json]   [--connect-to HOST1:PORT1:HOST2:PORT2]...

  pull   reads the profiles and mailboxes of the Dataverse environment and prints what a sync would import,
         writing nothing. --json prints { "profiles": [...], "skipped": [...] }.
  sync   reads the same and writes it to the monitor's tables (AzureWebJobsStorage): new and changed profiles and
         mailboxes, Dynamics' verdicts; removes what Dataverse no longer has. Unchanged rows are not written.

Exit status: 0 read (and written), 1 Dataverse could not be read (the reason and what to do on stderr),
2 wrong settings or arguments (each named).
Settings read: DATAVERSE_URL, DATAVERSE_TENANT_ID, DATAVERSE_CLIENT_ID, DATAVERSE_CLIENT_SECRET_SETTING or
DATAVERSE_CERTIFICATE_PATH_SETTING (or the managed identity), DATAVERSE_AUTHORITY_HOST, DATAVERSE_MAP_FILE,
DNS_SERVERS, TRUSTED_CA_FILE; sync also AzureWebJobsStorage and TABLE_PREFIX. See docs/dataverse.md.`;

type Parsed = { action: "pull" | "sync"; json: boolean; connectTo: string[] } | { help: true } | { problem: string };

function parse(args: string[]): Parsed {
  let values: { json?: boolean; help?: boolean; "connect-to"?: string[] };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" }, "connect-to": { type: "string", multiple: true } } }));
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (values.help === true || positionals[0] === "help") return { help: true };
  const [action, ...extra] = positionals;
  if (action !== "pull" && action !== "sync") return { problem: action === undefined ? "name an action: pull or sync" : `unknown dataverse action "${action}"` };
  if (extra.length > 0) return { problem: `unexpected arguments: ${extra.join(" ")}` };
  return { action, json: values.json === true, connectTo: values["connect-to"] ?? [] };
}

/** `exchange-sync-monitor dataverse pull|sync`: exit 0 read, 1 Dataverse could not be read, 2 wrong settings. */
export async function runDataverse(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args);
  if ("help" in parsed) {
    io.stdout(dataverseUsage);
    return 0;
  }
  if ("problem" in parsed) {
    io.stderr(`dataverse: ${parsed.problem}\n${dataverseUsage}`);
    return 2;
  }
  const loaded = settingsFrom(io);
  if (!loaded.ok) return wrongSettings(io, loaded.problems);
  const { settings } = loaded;
  if (settings.dataverse === undefined) return wrongSettings(io, [{ field: "DATAVERSE_URL", message: "is not set: name the Dataverse environment to read, e.g. https://contoso.crm.dynamics.com" }]);
  const connectTo = parseConnectTo(parsed.connectTo);
  if (!connectTo.ok) return wrongSettings(io, [{ field: "--connect-to", message: connectTo.problem }]);

  const probe = probeEnvironment(settings, io.env);
  const hook = connectToFunction(connectTo.rules);
  if (hook !== undefined) probe.network.connectTo = hook;

  if (parsed.action === "pull") {
    const run = await runPull(settings.dataverse, probe);
    if (run.kind === "read") {
      io.stdout(parsed.json ? JSON.stringify(run.result.json, null, 2) : formatPull(run.result.json));
      for (const w of run.warnings) io.stderr(`warning: ${describeFailure(w)}`);
    } else if (run.kind === "unreadable") io.stderr(`Dataverse could not be read: ${describeFailure(run.failure)}`);
    else return wrongSettings(io, run.problems);
    return exitCodeOf(run);
  }

  if (settings.storage.kind === "not-configured") {
    return wrongSettings(io, [{ field: "AzureWebJobsStorage", message: "is not set; name the storage account (a connection string, or AzureWebJobsStorage__accountName)" }]);
  }
  const context = createAppContext(settings, { env: io.env, probe });
  const outcome = await syncDataverse(context);
  return reportSync(io, outcome, parsed.json);
}

function settingsFrom(io: CliIo): { ok: true; settings: Settings } | { ok: false; problems: FieldProblem[] } {
  try {
    const base = io.cwd ?? process.cwd();
    // The map file is read when the settings are checked: relative to the command's working directory.
    const mapFile = io.env.DATAVERSE_MAP_FILE?.trim();
    const settings = loadSettings(mapFile ? { ...io.env, DATAVERSE_MAP_FILE: resolve(base, mapFile) } : io.env);
    if (settings.trustedCaFile !== undefined) settings.trustedCaFile = resolve(base, settings.trustedCaFile);
    return { ok: true, settings };
  } catch (error) {
    if (error instanceof SettingsError) return { ok: false, problems: error.problems };
    throw error;
  }
}

function wrongSettings(io: CliIo, problems: readonly FieldProblem[]): 2 {
  io.stderr(`The settings are not valid:\n${describeProblems(problems)}`);
  return 2;
}

function describeFailure(f: Failure): string {
  return `${f.category} (${f.code}): ${f.message}\n  what to do: ${f.remediation}`;
}

function reportSync(io: CliIo, outcome: SyncOutcome, json: boolean): number {
  switch (outcome.kind) {
    case "not-configured":
      return wrongSettings(io, [{ field: "DATAVERSE_URL", message: "is not set" }]);
    case "wrong-settings":
      return wrongSettings(io, outcome.problems);
    case "unreadable":
      io.stderr(`Dataverse could not be read; nothing was written: ${describeFailure(outcome.failure)}`);
      return 1;
    case "synced": {
      if (json) io.stdout(JSON.stringify({ counts: outcome.counts, skipped: outcome.skipped, failed: outcome.failed, requests: outcome.requests }, null, 2));
      else {
        const { profiles: p, mailboxes: m } = outcome.counts;
        io.stdout(`profiles: ${p.created} created, ${p.updated} updated, ${p.deleted} removed, ${p.unchanged} unchanged`);
        io.stdout(`mailboxes: ${m.created} created, ${m.updated} updated, ${m.deleted} removed, ${m.unchanged} unchanged`);
        if (outcome.skipped.length > 0) io.stdout([`skipped (${outcome.skipped.length}):`, ...outcome.skipped.map((s) => `  ${s.id}: ${s.reason}`)].join("\n"));
      }
      for (const w of outcome.warnings) io.stderr(`warning: ${describeFailure(w)}`);
      for (const f of outcome.failed) io.stderr(`profile ${f.id} was not written (the next sync tries again): ${f.error}`);
      return outcome.failed.length > 0 ? 1 : 0;
    }
  }
}
