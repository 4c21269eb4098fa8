import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { demoDataverseMap, demoDataverseSettings, demoProfileIds } from "../../sim/dataverse/index.js";
import { demoClientId, demoTenant, tailspinSyncClientId, type SimulatedOrg } from "../../sim/index.js";
import { demoContosoPull, startDataverseSim } from "../dataverse/support.js";
import { testSettings, testStorage } from "../support/storage.js";
import { listProfiles } from "../../lib/store/profiles.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

let sim: SimulatedOrg;
let dir: string;
beforeAll(async () => {
  sim = await startDataverseSim();
  dir = await mkdtemp(join(tmpdir(), "cli-dv-"));
  await writeFile(join(dir, "ca.pem"), sim.endpoints.caPem);
  await writeFile(join(dir, "map.json"), JSON.stringify(demoDataverseMap()));
  await writeFile(join(dir, "bad-map.json"), '{ "profiles": [ { "name": "Contoso", "passwordSetting": "X" } ] }');
});
afterAll(() => sim.stop());

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { ...demoDataverseSettings(), DNS_SERVERS: sim.dnsServers, TRUSTED_CA_FILE: "ca.pem", DATAVERSE_MAP_FILE: "map.json", ...env },
    cwd: dir,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  };
  const code = await main(["dataverse", ...args, "--connect-to", `:443:127.0.0.1:${sim.endpoints.httpsPort}`], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("exchange-sync-monitor dataverse", () => {
  it("pull --json prints the contract's object and exits 0; without --json one line per profile", async () => {
    const { code, out } = await run(["pull", "--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(out) as { profiles: { id: string; credentials: string; mailboxCount: number; approvedCount: number; dynamics: object }[]; skipped: { id: string; reason: string }[] };
    expect(json.profiles.find((p) => p.id === demoProfileIds.contoso)).toEqual(demoContosoPull);
    expect(json.skipped.some((s) => /unsupported server type 1/.test(s.reason))).toBe(true);
    expect(json.profiles.find((p) => p.id === demoProfileIds.tailspin)).toMatchObject({ syncApp: { tenantId: demoTenant, clientId: tailspinSyncClientId } });
    const text = await run(["pull"]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/Woodgrove Exchange 2019 .* NEEDS CREDENTIALS/);
    expect(text.out).toContain(`failing; synchronization signs in as app ${tailspinSyncClientId} in tenant ${demoTenant}`);
  });

  it("names each wrong setting and exits 2: no DATAVERSE_URL, a broken map file, an unknown action", async () => {
    const noUrl = await run(["pull"], { DATAVERSE_URL: "" });
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toMatch(/DATAVERSE_CLIENT_ID: is set but DATAVERSE_URL is not/);
    const nothing = await run(["pull"], { DATAVERSE_URL: "", DATAVERSE_TENANT_ID: "", DATAVERSE_CLIENT_ID: "", DATAVERSE_CLIENT_SECRET_SETTING: "", DATAVERSE_MAP_FILE: "" });
    expect(nothing).toMatchObject({ code: 2, err: expect.stringMatching(/DATAVERSE_URL: is not set/) });
    const badMap = await run(["pull"], { DATAVERSE_MAP_FILE: "bad-map.json" });
    expect(badMap).toMatchObject({ code: 2, out: "" });
    expect(badMap.err).toContain("DATAVERSE_MAP_FILE profiles[0].username: is required with passwordSetting");
    expect((await run(["push"])).code).toBe(2);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/dataverse pull \[--json\] \| sync/);
  });

  it("exits 1 with the classified reason and what to do when Dataverse refuses the secret, never printing it", async () => {
    const wrongSecret = throwawaySecret("wrong-secret");
    const refused = await run(["pull"], { DEMO_DATAVERSE_SECRET: wrongSecret });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Dataverse could not be read: auth-failed \(AADSTS7000215\)/);
    expect(refused.err).toMatch(/what to do: /);
    expect(refused.err + refused.out).not.toContain(wrongSecret);
  });

  it("sync writes the profiles to the tables", async () => {
    const settings = testSettings();
    const storageEnv = { AzureWebJobsStorage: (settings.storage as { connectionString: string }).connectionString, TABLE_PREFIX: settings.tablePrefix };
    const { code, out } = await run(["sync"], storageEnv);
    expect(code).toBe(0);
    expect(out).toMatch(/profiles: 7 created, 0 updated, 0 removed, 0 unchanged/);
    const stored = await listProfiles(testStorage(settings));
    expect(stored.map((p) => p.origin?.source.name).sort()).toEqual([
      "Adventure Works Exchange hybrid",
      "Contoso Exchange 2016",
      "Fabrikam Exchange 2019",
      "Northwind Exchange 2016",
      "Tailspin Toys Exchange Online",
      "Wingtip Toys Exchange Online",
      "Woodgrove Exchange 2019",
    ]);
    expect(stored.find((p) => p.origin?.source.name === "Adventure Works Exchange hybrid")?.profile.serverType).toBe("exchange-online-hybrid");
    expect((await run(["sync"], storageEnv)).out).toMatch(/profiles: 0 created, 0 updated, 0 removed, 7 unchanged/);
  });

  it("sync skips a profile whose app id is not a GUID, naming the column, and writes the others with the app synchronization uses", async () => {
    const settings = testSettings();
    const storageEnv = { AzureWebJobsStorage: (settings.storage as { connectionString: string }).connectionString, TABLE_PREFIX: settings.tablePrefix };
    const wingtip = { ...sim.dataverse!.row("emailserverprofiles", demoProfileIds.wingtip)! };
    sim.dataverse!.put("emailserverprofiles", { ...wingtip, oauthclientid: "wingtip-crm-sync" });
    try {
      const { code, out } = await run(["sync"], storageEnv);
      expect(code).toBe(0);
      expect(out).toMatch(/profiles: 6 created, 0 updated, 0 removed, 0 unchanged/);
      expect(out).toContain(`  ${demoProfileIds.wingtip}: emailserverprofiles: invalid record "Wingtip Toys Exchange Online": oauthclientid: must be a GUID`);
      const stored = await listProfiles(testStorage(settings));
      expect(stored.map((p) => p.origin?.source.name)).not.toContain("Wingtip Toys Exchange Online");
      const tailspin = stored.find((p) => p.origin?.source.id === demoProfileIds.tailspin);
      expect(tailspin?.profile).toMatchObject({ auth: { kind: "oauth", tenantId: demoTenant, clientId: demoClientId }, syncApp: { tenantId: demoTenant, clientId: tailspinSyncClientId } });
    } finally {
      sim.dataverse!.put("emailserverprofiles", wingtip);
    }
  });
});
