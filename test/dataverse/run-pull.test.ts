import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { loadSettings } from "../../lib/config/settings.js";
import { exitCodeOf, formatPull, runPull, type PullEnvironment } from "../../lib/dataverse/run-pull.js";
import { demoDataverseMap, demoDataverseSettings } from "../../sim/dataverse/index.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { startDataverseSim } from "./support.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

describe("dataverse pull with the app's settings", () => {
  let sim: SimulatedOrg;
  let dir: string;
  let environment: (env: Record<string, string>) => PullEnvironment;
  beforeAll(async () => {
    sim = await startDataverseSim();
    dir = await mkdtemp(join(tmpdir(), "dv-pull-"));
    await writeFile(join(dir, "map.json"), JSON.stringify(demoDataverseMap()));
    environment = (env) => ({ env, network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, port) => sim.connectTo(host, port) }, tokens: new TokenCache() });
  });
  afterAll(() => sim.stop());

  it("reads: exit 0, the pull's JSON, and a text view that says which profile needs credentials", async () => {
    const env = { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: join(dir, "map.json") };
    const run = await runPull(loadSettings(env).dataverse!, environment(env));
    expect(exitCodeOf(run)).toBe(0);
    expect(run.kind === "read" && run.result.json.profiles.map((p) => p.credentials)).toEqual(["mapped", "mapped", "mapped", "mapped", "missing", "mapped", "mapped"]);
    expect(run.kind === "read" && formatPull(run.result.json)).toMatch(/Woodgrove Exchange 2019 \(.*\) exchange-server, NEEDS CREDENTIALS: 2 mailboxes/);
    expect(run.kind === "read" && run.requests).toBeGreaterThanOrEqual(1 + 5 + 1);
  });

  it("a map file broken after start (each sync reads it again) is wrong settings (exit 2), each field named", async () => {
    await writeFile(join(dir, "bad.json"), JSON.stringify({ profiles: [{ name: "x", passwordSetting: "P" }] }));
    const env = { ...demoDataverseSettings(), DATAVERSE_MAP_FILE: join(dir, "map.json") };
    const run = await runPull({ ...loadSettings(env).dataverse!, mapFile: join(dir, "bad.json") }, environment(env));
    expect(run).toEqual({ kind: "wrong-settings", problems: [{ field: "DATAVERSE_MAP_FILE profiles[0].username", message: "is required with passwordSetting" }] });
    expect(exitCodeOf(run)).toBe(2);
  });

  it("a refused secret is unreadable (exit 1) with the classified reason", async () => {
    const wrongSecret = throwawaySecret("wrong-secret");
    const env = { ...demoDataverseSettings(), DEMO_DATAVERSE_SECRET: wrongSecret };
    const run = await runPull(loadSettings(env).dataverse!, environment(env));
    expect(exitCodeOf(run)).toBe(1);
    expect(run.kind === "unreadable" && run.failure).toMatchObject({ category: "auth-failed", code: "AADSTS7000215" });
    expect(JSON.stringify(run)).not.toContain(wrongSecret);
  });
});
