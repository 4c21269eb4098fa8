#!/usr/bin/env node
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { demoOrganisation } from "./demo.js";
import { demoSecretSettings } from "./demo-profiles.js";
import { demoDataverseMap, demoDataverseSettings, withDemoDataverse } from "./dataverse/demo.js";
import { parseOrgSpec } from "./load.js";
import { startSimulatedOrg } from "./org.js";

/** node dist/sim/main.js [--org FILE] [--ca-out FILE]: runs a simulated organisation until interrupted. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { org: { type: "string" }, "ca-out": { type: "string" } } });
  const spec = values.org ? parseOrgSpec(JSON.parse(await readFile(values.org, "utf8"))) : withDemoDataverse(demoOrganisation());
  const sim = await startSimulatedOrg(spec);
  const caFile = values["ca-out"] ?? join(tmpdir(), `exchange-sim-ca-${process.pid}.pem`);
  await writeFile(caFile, sim.endpoints.caPem);
  // The demo's credentials are made anew in this process; they go to a file only this user can read, never the console.
  const settingsFile = join(tmpdir(), `exchange-sim-settings-${process.pid}.env`);
  // The demo's Dynamics 365 environment lists the same organisations; its map file names the secrets' settings.
  const mapFile = join(tmpdir(), `exchange-sim-dataverse-map-${process.pid}.json`);
  if (!values.org) await writeFile(mapFile, JSON.stringify(demoDataverseMap(), null, 2) + "\n");
  const demo = values.org ? {} : { ...demoSecretSettings(), ...demoDataverseSettings(), DATAVERSE_MAP_FILE: mapFile };
  const settings = { DNS_SERVERS: `127.0.0.1:${sim.endpoints.dnsPort}`, TRUSTED_CA_FILE: caFile, ...demo };
  await writeFile(settingsFile, Object.entries(settings).map(([name, value]) => `${name}=${value}`).join("\n") + "\n", { mode: 0o600 });
  const { httpsPort, httpPort, dnsPort } = sim.endpoints;
  const lines = [
    `simulated Exchange organisation (${values.org ?? "built-in demo"})`,
    `  https  127.0.0.1:${httpsPort}   (every host's port 443)`,
    `  http   127.0.0.1:${httpPort}   (every host's port 80)`,
    `  dns    127.0.0.1:${dnsPort} (udp)`,
    `  hosts  ${spec.servers.map((s) => s.name).join(", ")}`,
    ...(spec.dataverse ? [`  dataverse https://${spec.dataverse.host}/api/data/v9.2/ (its DATAVERSE_* settings are in the settings file)`] : []),
    "",
    "use with:",
    `  DNS_SERVERS=127.0.0.1:${dnsPort}`,
    `  TRUSTED_CA_FILE=${caFile}`,
    `  connect-to: ::443 -> 127.0.0.1:${httpsPort}, ::80 -> 127.0.0.1:${httpPort}`,
    `  e.g. curl --cacert ${caFile} --connect-to ::127.0.0.1:${httpsPort} https://mail.contoso.com/EWS/Exchange.asmx`,
    ``,
    `test a profile against it (the settings, the demo profiles' secrets included, are in ${settingsFile}):`,
    `  set -a; . ${settingsFile}; set +a`,
    `  npx exchange-sync-monitor test-connection --profile contoso.json --connect-to :443:127.0.0.1:${httpsPort} --connect-to :80:127.0.0.1:${httpPort}`,
  ];
  console.log(lines.join("\n"));
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
