import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scheduleTimer } from "../../lib/cycle/schedule.js";
import { createAppContext } from "../../lib/app-context.js";
import { getProfile } from "../../lib/store/profiles.js";
import { contosoProfile } from "../support/cycle-org.js";
import { testSettings } from "../support/storage.js";

describe("PROFILE_FILES", () => {
  it("imports the named files before the first schedule, and a file broken after start never stops the others", async () => {
    const dir = await mkdtemp(join(tmpdir(), "profiles-"));
    const good = join(dir, "contoso.json");
    const bad = join(dir, "bad.json");
    await writeFile(good, JSON.stringify(contosoProfile()));
    await writeFile(bad, JSON.stringify({ ...contosoProfile(), id: "bad" }));
    const context = createAppContext(testSettings({ PROFILE_FILES: `${bad};${good}` }));
    // The files were checked when the app started; this one broke afterwards.
    await writeFile(bad, JSON.stringify({ ...contosoProfile(), id: "bad", owner: "nobody" }));
    const info: string[] = [];
    const warn: string[] = [];
    const outcomes = await scheduleTimer(context, { info: (m) => info.push(m), warn: (m) => warn.push(m) });
    expect((await getProfile(context.storage, "contoso"))?.profile.name).toBe("Contoso");
    expect(await getProfile(context.storage, "bad")).toBeUndefined();
    expect(warn.join("\n")).toMatch(/bad\.json was not imported:\n\s+owner:/);
    expect(outcomes).toEqual([{ kind: "enqueued", profileId: "contoso", cycle: 1, messages: 1 }]);
  });
});
