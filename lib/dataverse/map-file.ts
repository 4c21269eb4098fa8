import { readFile } from "node:fs/promises";
import { parseMapFile, type MapFileParse } from "../config/dataverse-map.js";

/** The map file's schema and lookups live in lib/config (they are checked at start with the other settings). */
export { emptyMap, mapEntryFor, parseMapFile, type DataverseMap, type MapEntry, type MapFileParse } from "../config/dataverse-map.js";

/** Reads DATAVERSE_MAP_FILE; a missing or unreadable file is one named problem. */
export async function loadMapFile(path: string): Promise<MapFileParse> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    return { ok: false, problems: [{ field: "DATAVERSE_MAP_FILE", message: `cannot read ${path} (${code})` }] };
  }
  return parseMapFile(text);
}

