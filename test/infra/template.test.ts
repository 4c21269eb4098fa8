import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { settingsCatalogue } from "../../lib/config/settings.js";
import { checkTemplate, describeProblem, settingKeys, type TemplateInput } from "./template-rules.js";

// The Bicep compiler cannot be installed here: these checks read the files as text (docs/deploy.md says so).
const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

function infraFiles(dir = "infra"): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? infraFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The settings docs/deploy.md lists under its "left to the operator" heading (first column, in backticks). */
function leftToOperator(markdown: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^#+ .*left to the operator/i.test(l));
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break;
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? "";
    for (const m of firstCell.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.push(m[1]!);
  }
  return names;
}

/**
 * Settings the template already sets while another branch adds them to lib/config/settings.ts. Once one is in the
 * catalogue the check says so, and it comes off this list (and is then held to every other rule).
 */
const pending: string[] = [];

function realInput(): TemplateInput {
  const files = [...infraFiles(), "azure.yaml"];
  return {
    appSettingsBicep: read("infra/modules/app-settings.bicep"),
    mainBicep: read("infra/main.bicep"),
    parametersJson: read("infra/main.parameters.json"),
    allText: files.map((f) => `// ${f}\n${read(f)}`).join("\n"),
    catalogue: settingsCatalogue,
    leftToOperator: leftToOperator(read("docs/deploy.md")),
    pending,
  };
}

describe("the deployment template (infra/)", () => {
  it("sets what the app needs, nothing it does not know, no secret, the roles, and keyless storage", () => {
    const problems = checkTemplate(realInput()).map(describeProblem);
    expect(problems).toEqual([]);
  });

  it("sets storage by managed identity, and for a user-assigned identity the host's credential and client id", () => {
    const keys = settingKeys(read("infra/modules/app-settings.bicep"))!.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId"]));
    expect(keys).not.toContain("AzureWebJobsStorage");
  });

  it("caps the Node worker's heap at 512 MB, as the benchmarks ran (peak RSS of 20 x 500 mailboxes, BENCHMARKS.md)", () => {
    const settings = settingKeys(read("infra/modules/app-settings.bicep"))!;
    expect(settings.find((e) => e.key === "languageWorkers__node__arguments")?.value).toBe("'--max-old-space-size=512'");
  });

  it("runs on Flex Consumption with Node.js 22 and deploys from a blob container reached with the managed identity", () => {
    const app = read("infra/modules/function-app.bicep");
    expect(app).toMatch(/tier: 'FlexConsumption', name: 'FC1'/);
    expect(app).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
    expect(app).toMatch(/type: 'blobContainer'/);
    expect(app).toMatch(/type: 'SystemAssignedIdentity'/);
    expect(app).toMatch(/type: 'UserAssignedIdentity', userAssignedIdentityResourceId:/);
    expect(app).toMatch(/instanceMemoryMB: instanceMemoryMB/);
    expect(app).toMatch(/maximumInstanceCount: maximumInstanceCount/);
  });

  it("names every secret setting by a Key Vault reference", () => {
    const settings = read("infra/modules/app-settings.bicep");
    const secretValues = settingKeys(settings)!.filter((e) => /PASSWORD$|SECRET$/.test(e.key));
    expect(secretValues.map((e) => e.key)).toEqual(["SMTP_PASSWORD", "DATAVERSE_CLIENT_SECRET"]);
    for (const e of secretValues) expect(e.value).toMatch(/secretRef/);
    expect(settings).toMatch(/var secretRef = '@Microsoft\.KeyVault\(SecretUri=\$\{keyVaultUri\}secrets\/'/);
  });
});

describe("the settings catalogue (lib/config/settings.ts)", () => {
  const byName = new Map(settingsCatalogue.map((s) => [s.name, s]));

  it("lists every validated setting with the default the app applies, and the local host's own", () => {
    expect(byName.get("SMTP_PORT")).toEqual({ name: "SMTP_PORT", need: "optional", default: "587", localOnly: false });
    expect(byName.get("SCHEDULE_CRON")?.default).toBe("0 * * * * *");
    expect(byName.get("PROBE_QUEUE")?.default).toBe("probe-profile");
    expect(byName.get("SMTP_HOST")).toEqual({ name: "SMTP_HOST", need: "optional", localOnly: false });
    expect(byName.get("AzureWebJobsStorage__accountName")?.need).toBe("one-of-storage");
    expect(byName.get("LOCAL_ADMIN_KEY")).toEqual({ name: "LOCAL_ADMIN_KEY", need: "optional", localOnly: true });
    expect(new Set(settingsCatalogue.map((s) => s.name)).size).toBe(settingsCatalogue.length);
  });
});

describe("the template checks can fail", () => {
  const base = realInput();
  const kinds = (input: TemplateInput) => checkTemplate(input);

  it("names a missing storage setting when the template stops setting it", () => {
    const appSettingsBicep = base.appSettingsBicep.replace(/^\s*AzureWebJobsStorage__accountName:.*\n/m, "");
    expect(appSettingsBicep).not.toEqual(base.appSettingsBicep);
    expect(kinds({ ...base, appSettingsBicep })).toContainEqual({ kind: "no-storage-setting", choices: ["AzureWebJobsStorage", "AzureWebJobsStorage__accountName"] });
  });

  it("names a required setting the template does not set", () => {
    const catalogue = [...base.catalogue, { name: "DATAVERSE_URL", need: "required" as const, localOnly: false }];
    const appSettingsBicep = base.appSettingsBicep.replace(/^\s*DATAVERSE_URL:.*\n/m, "");
    expect(kinds({ ...base, catalogue, appSettingsBicep, pending: [] })).toContainEqual({ kind: "required-setting-missing", setting: "DATAVERSE_URL" });
  });

  it("names a setting the app does not know, one the local host alone reads, and one Flex Consumption does not use", () => {
    const appSettingsBicep = base.appSettingsBicep.replace(
      "var candidates = {\n",
      "var candidates = {\n  SMTP_PASSWROD: 'x'\n  LOCAL_ADMIN_KEY: 'x'\n  FUNCTIONS_WORKER_RUNTIME: 'node'\n",
    );
    const problems = kinds({ ...base, appSettingsBicep });
    expect(problems).toContainEqual({ kind: "unknown-setting", setting: "SMTP_PASSWROD" });
    expect(problems).toContainEqual({ kind: "local-only-setting", setting: "LOCAL_ADMIN_KEY" });
    expect(problems).toContainEqual({ kind: "not-on-flex-consumption", setting: "FUNCTIONS_WORKER_RUNTIME" });
  });

  it("names a connection string, a listKeys() call and an instrumentation key", () => {
    const appSettingsBicep = base.appSettingsBicep.replace("var candidates = {\n", "var candidates = {\n  AzureWebJobsStorage: storageConnection\n");
    const allText = `${base.allText}\nvar storageConnection = 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=\${storage.listKeys().keys[0].value}'\nvar ai = 'InstrumentationKey=00000000-0000-0000-0000-000000000000'`;
    const problems = kinds({ ...base, appSettingsBicep, allText });
    expect(problems).toContainEqual({ kind: "connection-string-storage" });
    for (const what of ["AccountKey=", "listKeys(", "InstrumentationKey=", "a storage connection string"]) {
      expect(problems).toContainEqual({ kind: "secret-in-template", what });
    }
  });

  it("names a missing role assignment, shared-key access left on, a vault with access policies, local auth on", () => {
    const allText = base.allText
      .replaceAll("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "")
      .replace("allowSharedKeyAccess: false", "allowSharedKeyAccess: true")
      .replace("enableRbacAuthorization: true", "enableRbacAuthorization: false")
      .replace("DisableLocalAuth: true", "DisableLocalAuth: false");
    expect(kinds({ ...base, allText }).map(describeProblem)).toEqual([
      "role: no Storage Table Data Contributor assignment",
      "storage: allowSharedKeyAccess must be false",
      "key vault: enableRbacAuthorization must be true",
      "application insights: DisableLocalAuth must be true",
    ]);
  });

  it("names a setting that is neither set nor documented, and a pending setting that has landed", () => {
    const catalogue = [...base.catalogue, { name: "LANDED_KNOB", need: "optional" as const, default: "x", localOnly: false }, { name: "NEW_KNOB", need: "optional" as const, localOnly: false }];
    const problems = kinds({ ...base, catalogue, pending: ["LANDED_KNOB"] });
    expect(problems).toContainEqual({ kind: "setting-neither-set-nor-documented", setting: "NEW_KNOB" });
    expect(problems).toContainEqual({ kind: "pending-setting-now-known", setting: "LANDED_KNOB" });
  });

  it("names a settings parameter main.bicep does not pass, and a parameters-file entry main.bicep does not declare", () => {
    const mainBicep = base.mainBicep.replace(/^\s+shardSize: shardSize\n/m, "");
    expect(mainBicep).not.toEqual(base.mainBicep);
    const parametersJson = base.parametersJson.replace('"parameters": {', '"parameters": {\n    "smtpPasword": { "value": "${SMTP_PASSWORD=}" },');
    const problems = kinds({ ...base, mainBicep, parametersJson });
    expect(problems).toContainEqual({ kind: "settings-parameter-not-passed", parameter: "shardSize" });
    expect(problems).toContainEqual({ kind: "parameters-file-unknown-parameter", parameter: "smtpPasword" });
  });

  it("reads the operator's table of docs/deploy.md", () => {
    expect(base.leftToOperator).toEqual(expect.arrayContaining(["AzureWebJobsStorage", "AzureWebJobsStorage__tableServiceUri"]));
  });
});
