import { cpus, totalmem } from "node:os";
import { execFileSync } from "node:child_process";

/** Prints a Markdown table (so it can be pasted into BENCHMARKS.md as is). */
export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(headers));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of cells) console.log(line(r));
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ms = (n: number): string => `${Math.round(n)} ms`;
export const fixed = (n: number, digits = 2): string => n.toFixed(digits);
export const verdict = (pass: boolean): string => (pass ? "pass" : "MISS");

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The machine the figures came from: `nproc`, `free -h`, node version. */
export function describeMachine(): string {
  const tryRun = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8" }).trim();
    } catch {
      return "(unavailable)";
    }
  };
  return [
    `node ${process.version} on ${process.platform}/${process.arch}; nproc ${tryRun("nproc", [])}; ${cpus()[0]?.model ?? "cpu ?"}; ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    tryRun("free", ["-h"]),
  ].join("\n");
}
