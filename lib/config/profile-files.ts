import { existsSync, readFileSync, statSync } from "node:fs";
import type { FieldProblem } from "./issues.js";
import { parseProfile } from "./profile.js";

/** Every problem of the files PROFILE_FILES names, checked when the app starts: each must exist and be a valid profile file. */
export function profileFileProblems(files: readonly string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const problem = (message: string) => problems.push({ field: "PROFILE_FILES", message });
  for (const file of files) {
    if (!existsSync(file)) {
      problem(`${file} does not exist`);
      continue;
    }
    if (!statSync(file).isFile()) {
      problem(`${file} is not a file`);
      continue;
    }
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
    } catch (error) {
      problem(`${file} is not a JSON profile file: ${(error as Error).message}`);
      continue;
    }
    const parsed = parseProfile(document);
    if (!parsed.ok) for (const p of parsed.problems) problem(`${file}: ${p.field}: ${p.message}`);
  }
  return problems;
}
