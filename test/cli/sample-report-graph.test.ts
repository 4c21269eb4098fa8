import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { demoProfiles, demoSecretSettings } from "../../sim/demo-profiles.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { startDemoSim } from "../support/sim.js";

/**
 * docs/samples/test-connection-graph.txt is the CLI's text report for the demo's Wingtip Toys (Exchange Online through
 * Microsoft Graph: EWS blocked by policy, Tasks.ReadWrite.All missing), made by this test against the simulator. The
 * committed file must match what the CLI prints now (times, days left, Graph's request ids and dates aside);
 * `UPDATE_SAMPLES=1 npx vitest run test/cli/sample-report-graph.test.ts` rewrites it.
 */
const samplePath = new URL("../../docs/samples/test-connection-graph.txt", import.meta.url);
const args = ["--profile", "wingtip-online.json", "--mailbox", "amara@wingtiptoys.com"];

let sim: SimulatedOrg;
let dir: string;
beforeAll(async () => {
  sim = await startDemoSim();
  dir = await mkdtemp(join(tmpdir(), "cli-sample-graph-"));
  await writeFile(join(dir, "ca.pem"), sim.endpoints.caPem);
  for (const p of demoProfiles()) await writeFile(join(dir, `${p.id}.json`), JSON.stringify(p, null, 2));
});
afterAll(() => sim.stop());

const unstable = (text: string) =>
  text
    .replace(/\d+ ms\b/g, "N ms")
    .replace(/\d+ days left/g, "N days left")
    .replace(/ +(N ms)/g, " $1")
    .replace(/request-id [0-9a-f-]{36}/g, "request-id ID")
    .replace(/date \d{4}-\d{2}-\d{2}T[\d:]+/g, "date DATE");

it("the committed sample is the CLI's report of an Exchange Online profile through Graph, with readiness", async () => {
  const out: string[] = [];
  const io: CliIo = { env: { ...demoSecretSettings(), DNS_SERVERS: sim.dnsServers, TRUSTED_CA_FILE: "ca.pem" }, cwd: dir, stdout: (l) => out.push(l), stderr: (l) => out.push(l) };
  const connectTo = ["login.microsoftonline.com", "graph.microsoft.com", "outlook.office365.com"].flatMap((h) => ["--connect-to", `${h}:443:127.0.0.1:${sim.endpoints.httpsPort}`]);
  const code = await main(["test-connection", ...args, ...connectTo], io);
  expect(code).toBe(1);
  const rendered = `${[`$ exchange-sync-monitor test-connection ${args.join(" ")}`, ...out, `(exit status ${code})`].join("\n")}\n`;
  if (process.env.UPDATE_SAMPLES === "1" || !existsSync(samplePath)) writeFileSync(samplePath, rendered);
  expect(unstable(readFileSync(samplePath, "utf8"))).toBe(unstable(rendered));
  expect(rendered).toMatch(/Graph permissions: MISSING Tasks\.ReadWrite\.All/);
  for (const secret of Object.values(demoSecretSettings())) expect(rendered).not.toContain(secret);
});
