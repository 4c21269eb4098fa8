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
import { throwawaySecret } from "../../sim/throwaway-secret.js";

/**
 * docs/samples/test-connection-failing.txt is the CLI's text report for the demo's failing profile (Fabrikam), made
 * by this test against the simulator. The committed file must match what the CLI prints now (times and days left
 * aside); `UPDATE_SAMPLES=1 npx vitest run test/cli/sample-report.test.ts` rewrites it.
 */
const samplePath = new URL("../../docs/samples/test-connection-failing.txt", import.meta.url);
const wrongPassword = throwawaySecret("wrong-password");
const runs: { args: string[]; env?: Record<string, string> }[] = [
  { args: ["--profile", "fabrikam-ex2019.json", ...["ivan", "mallory", "niaj", "olivia", "rupert", "sybil", "trent"].flatMap((m) => ["--mailbox", `${m}@fabrikam.com`])] },
  { args: ["--profile", "northwind-ex2016.json"] },
  { args: ["--profile", "contoso-ex2016.json"], env: { CONTOSO_EWS_PASSWORD: wrongPassword } },
];
/** Only the simulator's real hosts are pointed at its ports: the others resolve (or not) through its DNS, as they would. */
const simHosts = ["autodiscover.fabrikam.com", "mail.fabrikam.com", "mail2.fabrikam.com", "northwind.com", "autodiscover.northwind.com", "mail.northwind.com", "contoso.com", "autodiscover.contoso.com", "mail.contoso.com"];

let sim: SimulatedOrg;
let dir: string;
beforeAll(async () => {
  sim = await startDemoSim();
  dir = await mkdtemp(join(tmpdir(), "cli-sample-"));
  await writeFile(join(dir, "ca.pem"), sim.endpoints.caPem);
  for (const p of demoProfiles()) await writeFile(join(dir, `${p.id}.json`), JSON.stringify(p, null, 2));
});
afterAll(async () => {
  await sim.stop();
});

const unstable = (text: string) => text.replace(/\d+ ms\b/g, "N ms").replace(/\d+ days left/g, "N days left").replace(/ +(N ms)/g, " $1");

it("the committed sample is the CLI's report of the failing demo profiles", async () => {
  const sections: string[] = [];
  for (const { args, env = {} } of runs) {
    const out: string[] = [];
    const io: CliIo = {
      env: { ...demoSecretSettings(), DNS_SERVERS: sim.dnsServers, TRUSTED_CA_FILE: "ca.pem", ...env },
      cwd: dir,
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
    };
    const connectTo = simHosts.flatMap((h) => ["--connect-to", `${h}:443:127.0.0.1:${sim.endpoints.httpsPort}`, "--connect-to", `${h}:80:127.0.0.1:${sim.endpoints.httpPort}`]);
    const code = await main(["test-connection", ...args, ...connectTo], io);
    expect(code).toBe(1);
    const prefix = Object.keys(env).map((k) => `${k}='<a wrong password>' `).join("");
    sections.push([`$ ${prefix}exchange-sync-monitor test-connection ${args.join(" ")}`, ...out, `(exit status ${code})`].join("\n"));
  }
  const rendered = `${sections.join("\n\n")}\n`;
  if (process.env.UPDATE_SAMPLES === "1" || !existsSync(samplePath)) writeFileSync(samplePath, rendered);
  expect(unstable(readFileSync(samplePath, "utf8"))).toBe(unstable(rendered));
  expect(rendered).toContain("-User svc-crm@fabrikam.com");
  expect(rendered).toContain("auth-failed (401, permanent): Every Autodiscover endpoint that answered refused the credentials of svc-crm@contoso.com");
  for (const secret of Object.values(demoSecretSettings())) expect(rendered).not.toContain(secret);
});
