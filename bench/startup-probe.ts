import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Run in a fresh process by the start-up benchmark: `azure` imports @azure/functions alone, `app` imports every
 * built function file (what the Functions host does at start), `module NAME` one dependency (to find the heavy ones). Prints {"importMs": n, "rss": bytes} on stdout.
 */
const variant = process.argv[2];
const started = performance.now();
if (variant === "azure") {
  await import("@azure/functions");
} else if (variant === "app") {
  const dir = fileURLToPath(new URL("../functions/", import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".js")).sort()) await import(pathToFileURL(dir + file).href);
} else if (variant === "module" && process.argv[3] !== undefined) {
  await import(process.argv[3]);
} else {
  throw new Error(`startup-probe: unknown variant ${variant}`);
}
const importMs = performance.now() - started;
console.log(JSON.stringify({ importMs, rss: process.memoryUsage.rss() }));
