import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchOptions } from "./args.js";
import { fixed, mb, median, ms, printTable, verdict } from "./report.js";

const run = promisify(execFile);

/** The env the app entry reads at import (schedules and queue name; the app-start hook validates the rest): storage named, nothing reached. */
const appEnv = { AzureWebJobsStorage: "UseDevelopmentStorage=true" };

interface Sample {
  importMs: number;
  processMs: number;
  rss: number;
}

/** Benchmark 3: cold import of the built app vs @azure/functions alone, each in fresh processes, alternating. */
export async function benchStartup(options: BenchOptions): Promise<{ azureMs: number; appMs: number }> {
  const script = fileURLToPath(new URL("./startup-probe.js", import.meta.url));
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...appEnv };
  const once = async (variant: "azure" | "app"): Promise<Sample> => {
    const t = performance.now();
    const { stdout } = await run(process.execPath, [script, variant], { env });
    const processMs = performance.now() - t;
    const parsed = JSON.parse(stdout.trim().split("\n").at(-1)!) as { importMs: number; rss: number };
    return { ...parsed, processMs };
  };
  console.error(`startup: ${options.runs} fresh processes per variant ...`);
  await once("azure"); // file-system cache warm for both variants alike
  await once("app");
  const samples: Record<"azure" | "app", Sample[]> = { azure: [], app: [] };
  for (let i = 0; i < options.runs; i++) {
    samples.azure.push(await once("azure"));
    samples.app.push(await once("app"));
  }
  const row = (name: string, s: Sample[]) => [name, ms(median(s.map((x) => x.importMs))), `${ms(Math.min(...s.map((x) => x.importMs)))}–${ms(Math.max(...s.map((x) => x.importMs)))}`, ms(median(s.map((x) => x.processMs))), mb(median(s.map((x) => x.rss)))];
  const azureMs = median(samples.azure.map((x) => x.importMs));
  const appMs = median(samples.app.map((x) => x.importMs));
  printTable(
    `Start-up: cold import in a fresh process (median of ${options.runs}, alternating)`,
    ["import", "median", "min–max", "whole process (median)", "rss after"],
    [
      row("@azure/functions alone", samples.azure),
      row("dist/app/main.js (the app)", samples.app),
      ["ratio app / @azure/functions", `${fixed(appMs / azureMs)} ${verdict(appMs <= 2 * azureMs)}`, "target ≤ 2.00", "", ""],
    ],
  );
  return { azureMs, appMs };
}
