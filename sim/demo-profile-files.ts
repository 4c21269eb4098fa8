#!/usr/bin/env node
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { demoProfiles } from "./demo-profiles.js";

/** The folder, beside package.json, that ships the demo's profiles as files an administrator can read, test and import. */
export const demoProfilesFolder = "demo/profiles";

/** One file per demo profile, named for its id, in the profile file format (two-space JSON, final newline). */
export function demoProfileFiles(): { file: string; text: string }[] {
  return demoProfiles().map((profile) => ({ file: `${profile.id}.json`, text: `${JSON.stringify(profile, null, 2)}\n` }));
}

/** `npm run demo:profiles`: rewrites demo/profiles/ from sim/demo-profiles.ts (test/sim/demo-profile-files.test.ts keeps them in step). */
async function main(): Promise<void> {
  const folder = resolve(process.argv[2] ?? demoProfilesFolder);
  await mkdir(folder, { recursive: true });
  for (const { file, text } of demoProfileFiles()) await writeFile(join(folder, file), text);
  console.log(`wrote ${demoProfileFiles().map((f) => join(folder, f.file)).join(", ")}`);
}

const entry = process.argv[1] ?? "";
if (import.meta.url.endsWith(entry.replace(/\\/g, "/"))) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
