#!/usr/bin/env node
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { demoOrganisation } from "./demo.js";
import { demoSecretSettings } from "./demo-profiles.js";
import { demoProfilesFolder } from "./demo-profile-files.js";
import { demoDataverseMap, demoDataverseSettings, withDemoDataverse } from "./dataverse/demo.js";
import { parseOrgSpec } from "./load.js";
import { startSimulatedOrg } from "./org.js";

export interface SimulatorCommand {
  argv: string[];
  stdout: (text: string) => void;
  /** Resolves when the simulator should stop (Ctrl-C, SIGTERM). */
  stopSignal: Promise<void>;
}

/**
 * `npm run sim` (node dist/sim/main.js [--org FILE] [--ca-out FILE]): runs a simulated organisation until stopped.
 * The files it writes for the session (the demo's settings with its secrets, the CA, the Dataverse map file) live in
 * one private temporary folder that is removed when it stops, however it stops.
 */
export async function runSimulator(command: SimulatorCommand): Promise<number> {
  const { values } = parseArgs({ args: command.argv, options: { org: { type: "string" }, "ca-out": { type: "string" } } });
  const spec = values.org ? parseOrgSpec(JSON.parse(await readFile(values.org, "utf8"))) : withDemoDataverse(demoOrganisation());
  const folder = await mkdtemp(join(tmpdir(), "exchange-sim-"));
  try {
    const sim = await startSimulatedOrg(spec);
    try {
      const caFile = values["ca-out"] ?? join(folder, "ca.pem");
      await writeFile(caFile, sim.endpoints.caPem);
      // The demo's credentials are made anew in this process; they go to a file only this user can read, never the console.
      const settingsFile = join(folder, "settings.env");
      // The demo's Dynamics 365 environment lists the same organisations; its map file names the secrets' settings.
      const mapFile = join(folder, "dataverse-map.json");
      if (!values.org) await writeFile(mapFile, JSON.stringify(demoDataverseMap(), null, 2) + "\n");
      const demo = values.org ? {} : { ...demoSecretSettings(), ...demoDataverseSettings(), DATAVERSE_MAP_FILE: mapFile };
      const settings = { DNS_SERVERS: `127.0.0.1:${sim.endpoints.dnsPort}`, TRUSTED_CA_FILE: caFile, ...demo };
      await writeFile(settingsFile, Object.entries(settings).map(([name, value]) => `${name}=${value}`).join("\n") + "\n", { mode: 0o600 });
      const { httpsPort, httpPort, dnsPort } = sim.endpoints;
      const profile = demoProfileFile("contoso-ex2016.json");
      command.stdout(
        [
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
          "",
          `test a profile against it (the settings, the demo profiles' secrets included, are in ${settingsFile},`,
          `removed when the simulator stops; the demo's profile files are in ${demoProfilesFolder}/):`,
          `  set -a; . ${settingsFile}; set +a`,
          `  npx exchange-sync-monitor test-connection --profile ${profile} --connect-to :443:127.0.0.1:${httpsPort} --connect-to :80:127.0.0.1:${httpPort}`,
        ].join("\n"),
      );
      await command.stopSignal;
    } finally {
      await sim.stop();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  return 0;
}

/** A demo profile file's path as the user can type it: relative to the current directory when inside the checkout. */
function demoProfileFile(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const file = join(dir, demoProfilesFolder, name);
  const fromHere = relative(process.cwd(), file);
  return fromHere.startsWith("..") ? file : fromHere;
}

const entry = process.argv[1] ?? "";
if (import.meta.url.endsWith(entry.replace(/\\/g, "/"))) {
  const stopSignal = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  runSimulator({ argv: process.argv.slice(2), stdout: (text) => console.log(text), stopSignal }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
