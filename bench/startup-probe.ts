/**
 * Run in a fresh process by the start-up benchmark: `azure` imports @azure/functions alone, `app` imports the
 * built app entry, dist/app/main.js (what the Functions host does at start: every function registered), `module NAME` one dependency (to find the heavy ones). Prints {"importMs": n, "rss": bytes} on stdout.
 */
const variant = process.argv[2];
const started = performance.now();
if (variant === "azure") {
  await import("@azure/functions");
} else if (variant === "app") {
  await import("../app/main.js");
} else if (variant === "module" && process.argv[3] !== undefined) {
  await import(process.argv[3]);
} else {
  throw new Error(`startup-probe: unknown variant ${variant}`);
}
const importMs = performance.now() - started;
console.log(JSON.stringify({ importMs, rss: process.memoryUsage.rss() }));
