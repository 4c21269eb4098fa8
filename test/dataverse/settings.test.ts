import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../lib/config/settings.js";
import { settingsProblems } from "../support/settings.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

const app = {
  DATAVERSE_URL: "https://contoso.crm.dynamics.com/",
  DATAVERSE_TENANT_ID: "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6",
  DATAVERSE_CLIENT_ID: "3c9a7e21-4b5d-4f60-8a1b-2c3d4e5f6a7b",
  DATAVERSE_CLIENT_SECRET_SETTING: "DV_SECRET",
  DV_SECRET: throwawaySecret("client-secret"),
};

describe("Dataverse settings", () => {
  it("are off unless DATAVERSE_URL is set", () => {
    expect(loadSettings({}).dataverse).toBeUndefined();
  });

  it("read an app secret setting, the hourly default schedule and the public authority", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dv-settings-"));
    const mapFile = join(dir, "dataverse-map.json");
    await writeFile(mapFile, JSON.stringify({ profiles: [{ name: "Contoso", clientSecretSetting: "S" }] }));
    expect(loadSettings({ ...app, DATAVERSE_MAP_FILE: mapFile }).dataverse).toEqual({
      url: "https://contoso.crm.dynamics.com",
      credentials: { kind: "client-secret", tenantId: app.DATAVERSE_TENANT_ID, clientId: app.DATAVERSE_CLIENT_ID, secretSetting: "DV_SECRET" },
      authorityHost: "https://login.microsoftonline.com",
      syncCron: "0 0 * * * *",
      mapFile,
    });
    expect(JSON.stringify(loadSettings(app))).not.toContain(app.DV_SECRET);
  });

  it("use managed identity when no secret or certificate is named, a user-assigned one by its client id", () => {
    expect(loadSettings({ DATAVERSE_URL: "https://contoso.crm4.dynamics.com" }).dataverse?.credentials).toEqual({ kind: "managed-identity" });
    expect(loadSettings({ DATAVERSE_URL: "https://contoso.crm4.dynamics.com", DATAVERSE_CLIENT_ID: app.DATAVERSE_CLIENT_ID }).dataverse?.credentials).toEqual({
      kind: "managed-identity",
      clientId: app.DATAVERSE_CLIENT_ID,
    });
    expect(loadSettings({ ...app, DATAVERSE_CLIENT_SECRET_SETTING: "", DATAVERSE_CERTIFICATE_PATH_SETTING: "DV_CERT", DV_CERT: "/certs/dv.pem", DATAVERSE_AUTHORITY_HOST: "https://login.microsoftonline.us" }).dataverse).toMatchObject({
      credentials: { kind: "certificate", certificatePathSetting: "DV_CERT" },
      authorityHost: "https://login.microsoftonline.us",
    });
  });

  it("name every wrong Dataverse setting at once", () => {
    const problems = settingsProblems({
      DATAVERSE_URL: "http://contoso.crm.dynamics.com/api/data/v9.2",
      DATAVERSE_TENANT_ID: "not a tenant",
      DATAVERSE_CLIENT_ID: "12345",
      DATAVERSE_CLIENT_SECRET_SETTING: "the secret itself!",
      DATAVERSE_AUTHORITY_HOST: "login.microsoftonline.us",
      DATAVERSE_SYNC_CRON: "0 * * * *",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(
      ["DATAVERSE_AUTHORITY_HOST", "DATAVERSE_CLIENT_ID", "DATAVERSE_CLIENT_SECRET_SETTING", "DATAVERSE_SYNC_CRON", "DATAVERSE_TENANT_ID", "DATAVERSE_URL", "DATAVERSE_URL"].sort(),
    );
    expect(problems.find((p) => p.startsWith("DATAVERSE_SYNC_CRON"))).toMatch(/six fields/);
  });

  it("name the cross-setting mistakes", () => {
    expect(settingsProblems({ DATAVERSE_TENANT_ID: app.DATAVERSE_TENANT_ID, DATAVERSE_MAP_FILE: "m.json" }).sort()).toEqual([
      "DATAVERSE_MAP_FILE: is set but DATAVERSE_URL is not: name the Dataverse environment to read",
      "DATAVERSE_TENANT_ID: is set but DATAVERSE_URL is not: name the Dataverse environment to read",
    ]);
    expect(settingsProblems({ DATAVERSE_URL: app.DATAVERSE_URL, DATAVERSE_CLIENT_SECRET_SETTING: "DV_SECRET" }).sort()).toEqual([
      "DATAVERSE_CLIENT_ID: is required with an app secret or certificate",
      "DATAVERSE_CLIENT_SECRET_SETTING: names the app setting DV_SECRET, which is not set",
      "DATAVERSE_TENANT_ID: is required with an app secret or certificate",
    ]);
    expect(settingsProblems({ ...app, DATAVERSE_CERTIFICATE_PATH_SETTING: "DV_CERT", DV_CERT: "/c.pem" })).toEqual([
      "DATAVERSE_CERTIFICATE_PATH_SETTING: name either DATAVERSE_CLIENT_SECRET_SETTING or DATAVERSE_CERTIFICATE_PATH_SETTING, not both",
    ]);
  });

  it("check the map file at start: a missing file, invalid JSON by line and column, and every wrong field by its path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dv-map-start-"));
    expect(settingsProblems({ ...app, DATAVERSE_MAP_FILE: join(dir, "absent.json") })).toEqual([`DATAVERSE_MAP_FILE: cannot read ${join(dir, "absent.json")} (ENOENT)`]);
    await writeFile(join(dir, "broken.json"), '{\n  "profiles": [\n    { "name": "x", }\n  ]\n}');
    expect(settingsProblems({ ...app, DATAVERSE_MAP_FILE: join(dir, "broken.json") })).toEqual([expect.stringMatching(/^DATAVERSE_MAP_FILE \(document\): is not valid JSON at line 3, column \d+/)]);
    await writeFile(join(dir, "wrong.json"), JSON.stringify({ profiles: [{ name: "Contoso", passwordSetting: "PW" }, { id: "nope", clientSecretSetting: "S" }] }));
    expect(settingsProblems({ ...app, DATAVERSE_MAP_FILE: join(dir, "wrong.json") }).sort()).toEqual([
      "DATAVERSE_MAP_FILE profiles[0].username: is required with passwordSetting",
      "DATAVERSE_MAP_FILE profiles[1].id: must be the emailserverprofileid (a GUID)",
    ]);
  });
});
