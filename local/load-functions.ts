import { readdir } from "node:fs/promises";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { registered, useLocalHost, type Registration } from "../app/registry.js";

/** Imports every file of functions/ (built .js, or .ts under the test runner) so each registers itself once. */
export async function loadFunctions(): Promise<readonly Registration[]> {
  useLocalHost();
  const extension = extname(fileURLToPath(import.meta.url));
  const dir = new URL("../functions/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => extname(f) === extension && !f.endsWith(".d.ts")).sort();
  for (const file of files) await import(pathToFileURL(fileURLToPath(new URL(file, dir))).href);
  return registered();
}
