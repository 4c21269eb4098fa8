import type { z } from "zod";

/** One wrong field: its dotted path (`auth.username`, `mailboxes[3].address`) and what it expects. */
export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(document)" : out;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ field: fieldPath([...issue.path, key]), message: "is not a known field" });
    } else {
      problems.push({ field: fieldPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `  ${p.field}: ${p.message}`).join("\n");
}
