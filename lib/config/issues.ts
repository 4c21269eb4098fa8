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

/**
 * The validator's issues in words an administrator reads: a missing field "is required", a wrong type "must be a
 * number (got text)", a wrong choice "must be one of …" — never zod's "expected string, received undefined".
 * Given the input, a field that is absent is told apart from one with a wrong value even where the schema has its
 * own message.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input?: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ field: fieldPath([...issue.path, key]), message: "is not a known field" });
    } else {
      problems.push({ field: fieldPath(issue.path), message: messageOf(issue, input === undefined ? undefined : { input }) });
    }
  }
  return problems;
}

export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `  ${p.field}: ${p.message}`).join("\n");
}

/** Zod's own wording (as opposed to a message the schema gives): replaced by ours. */
const zodWording = /^(Invalid input|Invalid option|Invalid discriminator|Too small|Too big|Invalid string|Invalid number)\b/;

function messageOf(issue: z.core.$ZodIssue, given: { input: unknown } | undefined): string {
  const own = !zodWording.test(issue.message);
  const missing = given === undefined ? /received undefined/.test(issue.message) : isAbsent(given.input, issue.path);
  switch (issue.code) {
    case "invalid_type": {
      if (missing) return own ? `is required and ${issue.message}` : "is required";
      if (own) return issue.message;
      const received = /received (\w+)/.exec(issue.message)?.[1];
      return `must be ${typeWord(issue.expected)}${received === undefined ? "" : ` (got ${typeWord(received)})`}`;
    }
    case "invalid_value": {
      if (own) return missing ? `is required and ${issue.message}` : issue.message;
      const choice = issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      return missing ? `is required: ${choice}` : `must be ${choice}`;
    }
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (own || options === undefined) return issue.message;
      const choice = `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
      return missing ? `is required: ${choice}` : `must be ${choice}`;
    }
    case "too_small":
      if (own) return issue.message;
      if (issue.origin === "string") return Number(issue.minimum) <= 1 ? "must not be empty" : `must be at least ${issue.minimum} characters long`;
      if (issue.origin === "array") return Number(issue.minimum) <= 1 ? "must not be empty" : `must hold at least ${issue.minimum} items`;
      return `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}`;
    case "too_big":
      if (own) return issue.message;
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters long`;
      if (issue.origin === "array") return `must hold at most ${issue.maximum} items`;
      return `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/** Whether the field at `path` is absent from an object that is there (a wrong parent is reported on its own). */
function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = input;
  for (const part of path) {
    if (value === null || typeof value !== "object") return false;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value === undefined;
}

function typeWord(type: string): string {
  switch (type) {
    case "string":
      return "text";
    case "number":
    case "int":
      return "a number";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
      return "an object";
    case "null":
      return "null";
    default:
      return type;
  }
}
