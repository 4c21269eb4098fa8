import { readFile } from "node:fs/promises";
import { parseJsonText } from "../config/json-text.js";
import type { Storage } from "../store/storage.js";
import { importProfile } from "./import.js";

export type FileImport =
  | { kind: "imported"; file: string; profileId: string; created: boolean }
  | { kind: "refused"; file: string; problems: string[] };

/** Imports the profile files named by PROFILE_FILES; a broken file is reported and never stops the others. */
export async function importProfileFiles(storage: Storage, files: readonly string[], now: Date): Promise<FileImport[]> {
  const results: FileImport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      results.push({ kind: "refused", file, problems: [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] });
      continue;
    }
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      results.push({ kind: "refused", file, problems: [parsed.message] });
      continue;
    }
    const document = parsed.value;
    const result = await importProfile(storage, document, { now });
    results.push(
      result.ok
        ? { kind: "imported", file, profileId: result.profileId, created: result.created }
        : { kind: "refused", file, problems: result.problems.map((p) => `${p.field}: ${p.message}`) },
    );
  }
  return results;
}
