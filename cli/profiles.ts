import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeProblems, type FieldProblem } from "../lib/config/issues.js";
import { parseJsonText } from "../lib/config/json-text.js";
import { parseProfile } from "../lib/config/profile.js";
import { loadSettings, SettingsError } from "../lib/config/settings.js";
import { removeProfile } from "../lib/profiles/delete.js";
import { exportProfile } from "../lib/profiles/export.js";
import { checkProfileId } from "../lib/profiles/id.js";
import { importProfile } from "../lib/profiles/import.js";
import { listProfileItems } from "../lib/profiles/list.js";
import { createStorage, type Storage } from "../lib/store/storage.js";
import type { CliIo } from "./io.js";

const usage = "usage: exchange-sync-monitor profiles import FILE... | export ID [--out FILE] | list [--json] | delete ID";

export const profilesHelp = `usage: exchange-sync-monitor profiles ACTION [arguments]

  import FILE...           validates every file first, then creates or updates each profile (one bad file imports none)
  export ID [--out FILE]   prints the profile file of ID (or writes it to FILE)
  list [--json]            one line per profile: id, server type, owner, last scheduled, name
  delete ID                deletes the profile, its mailboxes and its history

Reads AzureWebJobsStorage (or AzureWebJobsStorage__accountName) and TABLE_PREFIX.
Exit status: 0 done, 1 failed (e.g. no such profile), 2 the input was wrong (stderr names every wrong field).`;

/** `exchange-sync-monitor profiles ...`: exit 0 ok, 1 failed, 2 wrong input (every wrong field named on stderr). */
export async function runProfiles(args: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (!String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS")) throw error;
    io.stderr(`${(error as Error).message}\n${usage}`);
    return 2;
  }
}

function dispatch(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === "help" || args.includes("--help") || args.includes("-h")) {
    io.stdout(profilesHelp);
    return Promise.resolve(0);
  }
  switch (action) {
    case "import":
      return importFiles(rest, io);
    case "export":
      return exportOne(rest, io);
    case "list":
      return list(rest, io);
    case "delete":
      return deleteOne(rest, io);
    default:
      io.stderr(action === undefined ? usage : `unknown profiles action "${action}"\n${usage}`);
      return Promise.resolve(2);
  }
}

type Opened = { ok: true; storage: Storage } | { ok: false; status: 2 };

/** Storage from the settings (AzureWebJobsStorage or managed identity), or a message naming every wrong setting. */
function openStorage(io: CliIo): Opened {
  try {
    const settings = loadSettings(io.env);
    if (settings.storage.kind === "not-configured") {
      io.stderr("AzureWebJobsStorage: is not set; name the storage account (a connection string, or AzureWebJobsStorage__accountName)");
      return { ok: false, status: 2 };
    }
    return { ok: true, storage: createStorage(settings.storage, { tablePrefix: settings.tablePrefix }) };
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.stderr(error.message);
    return { ok: false, status: 2 };
  }
}

export async function importFiles(args: string[], io: CliIo): Promise<number> {
  const { positionals: files } = parseArgs({ args, allowPositionals: true, options: {} });
  if (files.length === 0) {
    io.stderr(`profiles import: name at least one profile file\n${usage}`);
    return 2;
  }
  // Every file is read and checked before anything is written: one bad file refuses the whole import.
  const documents: { file: string; document: unknown; id: string }[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const loaded = await loadDocument(resolve(io.cwd ?? process.cwd(), file));
    if (!loaded.ok) {
      problems.push(`${file}: ${describeProblems(loaded.problems).trim()}`);
      continue;
    }
    const parsed = parseProfile(loaded.document);
    if (!parsed.ok) {
      problems.push(`${file}: the profile is not valid:\n${describeProblems(parsed.problems)}`);
      continue;
    }
    const other = seen.get(parsed.profile.id);
    if (other !== undefined) problems.push(`${file}: the profile is not valid:\n${describeProblems([{ field: "id", message: `"${parsed.profile.id}" is also the id in ${other}` }])}`);
    seen.set(parsed.profile.id, file);
    documents.push({ file, document: loaded.document, id: parsed.profile.id });
  }
  if (problems.length > 0) {
    io.stderr(problems.join("\n"));
    return 2;
  }
  const opened = openStorage(io);
  if (!opened.ok) return opened.status;
  for (const { file, document } of documents) {
    const result = await importProfile(opened.storage, document, { env: io.env });
    if (!result.ok) {
      io.stderr(`${file}: the profile is not valid:\n${describeProblems(result.problems)}`);
      return 2;
    }
    const m = result.mailboxes;
    io.stdout(
      `${result.created ? "created" : "updated"} ${result.profileId} from ${file}: ${m.total} mailboxes (${m.added} added, ${m.updated} updated, ${m.removed} removed)`,
    );
    for (const w of result.warnings) io.stderr(`warning: ${file}: ${w.field} ${w.message}`);
  }
  return 0;
}

async function loadDocument(path: string): Promise<{ ok: true; document: unknown } | { ok: false; problems: FieldProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return { ok: false, problems: [{ field: "(file)", message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }] };
  }
  const parsed = parseJsonText(text);
  return parsed.ok ? { ok: true, document: parsed.value } : { ok: false, problems: [{ field: "(document)", message: parsed.message }] };
}

function oneId(args: string[], io: CliIo, action: string, options: { out?: { type: "string" } } = {}) {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options });
  const problem: FieldProblem | undefined =
    positionals.length !== 1 ? { field: "ID", message: `profiles ${action} takes one profile id` } : checkProfileId(positionals[0]!, "ID");
  if (problem !== undefined) io.stderr(`${describeProblems([problem])}\n${usage}`);
  return problem === undefined ? { id: positionals[0]!, values: values as { out?: string } } : undefined;
}

export async function exportOne(args: string[], io: CliIo): Promise<number> {
  const parsed = oneId(args, io, "export", { out: { type: "string" } });
  if (parsed === undefined) return 2;
  const opened = openStorage(io);
  if (!opened.ok) return opened.status;
  const document = await exportProfile(opened.storage, parsed.id);
  if (document === undefined) {
    io.stderr(`no profile "${parsed.id}"`);
    return 1;
  }
  const text = JSON.stringify(document, null, 2);
  if (parsed.values.out === undefined) io.stdout(text);
  else await writeFile(resolve(io.cwd ?? process.cwd(), parsed.values.out), `${text}\n`, "utf8");
  return 0;
}

export async function list(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } } });
  const opened = openStorage(io);
  if (!opened.ok) return opened.status;
  const items = await listProfileItems(opened.storage);
  if (values.json) io.stdout(JSON.stringify(items, null, 2));
  else for (const p of items) io.stdout([p.id, p.serverType, p.owner, p.lastScheduledAt ?? "never scheduled", p.name].join("\t"));
  return 0;
}

export async function deleteOne(args: string[], io: CliIo): Promise<number> {
  const parsed = oneId(args, io, "delete");
  if (parsed === undefined) return 2;
  const opened = openStorage(io);
  if (!opened.ok) return opened.status;
  if ((await removeProfile(opened.storage, parsed.id)) === "not-found") {
    io.stderr(`no profile "${parsed.id}"`);
    return 1;
  }
  io.stdout(`deleted ${parsed.id}`);
  return 0;
}
