import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("..", import.meta.url).pathname;

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".ts")).map((e) => join(e.parentPath, e.name).slice(root.length)).sort();
}

/** Module-level `let`/`var`: a process-wide holder. */
const holders = (source: string) => source.split("\n").filter((line) => /^(export\s+)?(let|var)\s/.test(line));

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs dependency-cruiser with the project's rules over `dirs` of `cwd`; the violations as "rule: from → to". */
async function cruise(cwd: string, dirs: string[]): Promise<{ cruised: number; violations: string[] }> {
  const cli = join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
  const args = [cli, "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "json", ...dirs];
  // depcruise exits non-zero on violations; the JSON report is on stdout either way.
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return { cruised: report.summary.totalCruised, violations: report.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort() };
}

describe("architecture (issue 9)", () => {
  it("has no import circle and no import from a lower layer to a higher one (.dependency-cruiser.cjs)", async () => {
    const { cruised, violations } = await cruise(root, ["lib", "functions", "app", "local", "cli", "bench"]);
    expect(cruised).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  }, 120_000);

  it("would catch a circle, an upward import and lib/ reaching @azure/functions (test/fixtures/architecture)", async () => {
    const { violations } = await cruise(join(root, "test/fixtures/architecture"), ["lib"]);
    expect(violations).toEqual([
      "layer-0-not-upward: lib/model/low.ts → lib/store/high.ts",
      expect.stringMatching(/^lib-not-to-hosts: lib\/status\/host\.ts → .*node_modules\/@azure\/functions\//),
      "no-circular: lib/model/low.ts → lib/store/high.ts",
    ]);
  }, 120_000);

  it("keeps every functions/*.ts a declaration under 40 lines", async () => {
    const files = await tsFiles("functions");
    expect(files.length).toBeGreaterThan(10);
    const long = [];
    for (const file of files) {
      const lines = (await readFile(join(root, file), "utf8")).trimEnd().split("\n").length;
      if (lines >= 40) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });

  it("holds no module-level mutable state in lib/ or functions/, and one app context holder in app/main.ts", async () => {
    const found: string[] = [];
    for (const file of [...(await tsFiles("lib")), ...(await tsFiles("functions")), ...(await tsFiles("app"))]) {
      for (const line of holders(await readFile(join(root, file), "utf8"))) found.push(`${file}: ${line.trim()}`);
    }
    expect(found).toEqual(["app/main.ts: let context: Promise<AppContext> | undefined;"]);
  });
});
