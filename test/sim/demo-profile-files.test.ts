import { describe, expect, it } from "vitest";
import { readdir, readFile } from "node:fs/promises";
import { demoProfileFiles, demoProfilesFolder } from "../../sim/demo-profile-files.js";
import { demoSecretSettings } from "../../sim/demo-profiles.js";
import { demoStories } from "../../sim/demo-story.js";
import { demoMonitorIds } from "../../sim/dataverse/demo.js";
import { parseProfile } from "../../lib/config/profile.js";

const folder = new URL(`../../${demoProfilesFolder}/`, import.meta.url);

describe("demo/profiles", () => {
  it("holds exactly the demo's profiles as sim/demo-profiles.ts makes them (npm run demo:profiles rewrites them)", async () => {
    const expected = demoProfileFiles();
    expect((await readdir(folder)).sort()).toEqual(expected.map((f) => f.file).sort());
    for (const { file, text } of expected) expect(await readFile(new URL(file, folder), "utf8"), file).toBe(text);
  });

  it("ships valid profile files that name their secrets' settings and hold no secret", async () => {
    for (const { file, text } of demoProfileFiles()) {
      expect(parseProfile(JSON.parse(text)).ok, file).toBe(true);
      expect(text).toMatch(/"(passwordSetting|clientSecretSetting)": "[A-Z_]+"/);
      for (const secret of Object.values(demoSecretSettings())) expect(text).not.toContain(secret);
    }
  });
});

describe("the demo's stories", () => {
  it("tell every demo profile's story (the walkthrough prints them; test/local-demo.test.ts holds the running demo to them)", () => {
    expect(Object.keys(demoStories).sort()).toEqual(Object.values(demoMonitorIds).sort());
  });
});
