import { importProfileFiles, type FileImport } from "../profiles/import-files.js";
import { listProfileIds } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import type { Once } from "../util/once.js";

/** Per app context: which PROFILE_FILES became which profile, and what was last said about a refused file. */
interface FilesState {
  imported: Map<string, string>;
  refused: Map<string, string>;
}

const stateKey = Symbol("PROFILE_FILES state");

/**
 * Before each schedule run: imports every PROFILE_FILES file not imported yet, or whose profile is gone (storage came
 * back empty, or an operator deleted it). Returns only what happened in this call — an import that really
 * happened, or a refusal not reported before — so each is logged once; a storage failure throws and the next run
 * tries again.
 */
export async function importProfileFilesAsNeeded(
  once: Once,
  storage: Storage,
  files: readonly string[],
  now: Date,
  /** The stored profile ids, asked only once some file was imported (the schedule passes the list it reads anyway). */
  existingIds: () => Promise<readonly string[]> = () => listProfileIds(storage),
): Promise<FileImport[]> {
  const state = once.get<FilesState>(stateKey, () => ({ imported: new Map(), refused: new Map() }));
  const existing = state.imported.size === 0 ? new Set<string>() : new Set(await existingIds());
  const wanted = files.filter((file) => {
    const id = state.imported.get(file);
    return id === undefined || !existing.has(id);
  });
  if (wanted.length === 0) return [];
  const news: FileImport[] = [];
  for (const result of await importProfileFiles(storage, wanted, now)) {
    if (result.kind === "imported") {
      state.imported.set(result.file, result.profileId);
      state.refused.delete(result.file);
      news.push(result);
    } else {
      state.imported.delete(result.file);
      const said = result.problems.join("\n");
      if (state.refused.get(result.file) !== said) news.push(result);
      state.refused.set(result.file, said);
    }
  }
  return news;
}
