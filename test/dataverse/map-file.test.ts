import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMapFile, mapEntryFor, parseMapFile } from "../../lib/dataverse/map-file.js";
import { demoDataverseMap, demoProfileIds } from "../../sim/dataverse/index.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

const problemsOf = (text: string): string[] => {
  const parsed = parseMapFile(text);
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.field}: ${p.message}`);
};

describe("Dataverse map file", () => {
  it("reads the demo's map and finds entries by profile id or by name, case-insensitively", () => {
    const parsed = parseMapFile(JSON.stringify(demoDataverseMap()));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(mapEntryFor(parsed.map, { emailserverprofileid: demoProfileIds.contoso.toUpperCase(), name: "renamed" })?.passwordSetting).toBe("CONTOSO_EWS_PASSWORD");
    expect(mapEntryFor(parsed.map, { emailserverprofileid: demoProfileIds.fabrikam, name: "fabrikam exchange 2019 " })?.trustedDomains).toEqual(["contoso.com"]);
    expect(mapEntryFor(parsed.map, { emailserverprofileid: demoProfileIds.woodgrove, name: "Woodgrove Exchange 2019" })).toBeUndefined();
  });

  it("names invalid JSON by line and column", () => {
    expect(problemsOf('{\n  "profiles": [\n    { "id": "x", }\n  ]\n}')).toEqual([
      "(document): is not valid JSON at line 3, column 18: Expected double-quoted property name",
    ]);
    expect(problemsOf("")[0]).toMatch(/^\(document\): is not valid JSON at line 1, column 1/);
  });

  it("names every wrong field, and refuses a secret value in place of a setting name", () => {
    const problems = problemsOf(
      JSON.stringify({
        profiles: [
          { id: "e5000000-0000-4000-8000-000000000001", name: "Both", passwordSetting: "PW" },
          { name: "Secret inline", password: throwawaySecret("inline-password"), clientSecretSetting: "not a setting name!" },
          { name: "Two secrets", clientSecretSetting: "A", certificatePathSetting: "B", trustedDomains: ["not a domain"] },
          { id: "not-a-guid", auth: "kerberos", owner: "nobody" },
          { name: "both", username: "svc@contoso.com", passwordSetting: "PW" },
        ],
      }),
    );
    expect(problems.sort()).toEqual(
      [
        "profiles[0].id: give exactly one of id or name",
        "profiles[0].username: is required with passwordSetting",
        "profiles[1].password: is not a known field",
        "profiles[2].trustedDomains[0]: must be a DNS domain such as contoso.com",
        "profiles[3].id: must be the emailserverprofileid (a GUID)",
        "profiles[3].auth: must be basic, ntlm or oauth",
        "profiles[3].owner: must be an email address",
        "profiles[1].clientSecretSetting: must be the name of an app setting (letters, digits, _ . : -), not a secret value",
        "profiles[2].passwordSetting: name one of passwordSetting, clientSecretSetting or certificatePathSetting",
      ].sort(),
    );
    expect(problemsOf(JSON.stringify({ profiles: [{ name: "A", clientSecretSetting: "S" }, { name: "a", clientSecretSetting: "T" }] }))).toEqual(["profiles[1].name: repeats profiles[0]"]);
    expect(problemsOf(JSON.stringify({ profile: [] }))).toEqual(["profiles: is required", "profile: is not a known field"]);
  });

  it("takes an optional monitorId with the profile id's rule, once per file", () => {
    const parsed = parseMapFile(JSON.stringify({ profiles: [{ name: "Contoso Exchange 2016", monitorId: "contoso-ex2016", clientSecretSetting: "S" }] }));
    expect(parsed.ok && parsed.map.entries[0]?.monitorId).toBe("contoso-ex2016");
    expect(problemsOf(JSON.stringify({ profiles: [{ name: "A", monitorId: "Bad_Id" }, { name: "B", monitorId: "same" }, { name: "C", monitorId: "same" }] }))).toEqual([
      "profiles[0].monitorId: must be 1-63 lower-case letters, digits or hyphens, starting with a letter or digit",
      "profiles[2].monitorId: is also the monitorId of profiles[1]",
    ]);
  });

  it("names a file it cannot read after the setting", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dv-map-"));
    expect(await loadMapFile(join(dir, "absent.json"))).toEqual({ ok: false, problems: [{ field: "DATAVERSE_MAP_FILE", message: `cannot read ${join(dir, "absent.json")} (ENOENT)` }] });
    await writeFile(join(dir, "map.json"), JSON.stringify(demoDataverseMap()));
    expect((await loadMapFile(join(dir, "map.json"))).ok).toBe(true);
  });
});
