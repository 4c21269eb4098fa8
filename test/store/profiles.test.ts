import { describe, expect, it } from "vitest";
import { parseProfile, type Profile } from "../../lib/config/profile.js";
import { claimSchedule, deleteProfile, getProfile, listProfileIds, listProfiles, saveProfile } from "../../lib/store/profiles.js";
import { testStorage } from "../support/storage.js";
import { designExample, exampleWith } from "../profiles/fixtures.js";

function profile(overrides: Record<string, unknown> = {}): Profile {
  const parsed = parseProfile(exampleWith(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.profile;
}

describe("profiles table", () => {
  it("stores a profile's settings without its mailboxes and reads them back", async () => {
    const storage = testStorage();
    const p = profile({ trustedDomains: ["contoso-mail.com"] });
    await saveProfile(storage, p);
    const stored = await getProfile(storage, p.id);
    const { mailboxes: _, ...settings } = p;
    expect(stored).toMatchObject({ profile: settings, cycle: 0 });
    expect(stored?.lastScheduledAt).toBeUndefined();
    expect(stored?.etag).toMatch(/./);
    expect(await getProfile(storage, "nobody")).toBeUndefined();
  });

  it("keeps the schedule state when the profile is saved again", async () => {
    const storage = testStorage();
    await saveProfile(storage, profile());
    const first = (await getProfile(storage, designExample.id))!;
    expect(await claimSchedule(storage, designExample.id, first, new Date("2025-05-01T10:00:00Z"))).toBe("claimed");
    await saveProfile(storage, profile({ name: "Renamed" }));
    const again = (await getProfile(storage, designExample.id))!;
    expect(again.profile.name).toBe("Renamed");
    expect(again.cycle).toBe(1);
    expect(again.lastScheduledAt).toBe("2025-05-01T10:00:00.000Z");
  });

  it("lets exactly one of two concurrent claimers schedule a cycle", async () => {
    const storage = testStorage();
    await saveProfile(storage, profile());
    const [a, b] = await Promise.all([getProfile(storage, designExample.id), getProfile(storage, designExample.id)]);
    const now = new Date("2025-05-01T10:00:00Z");
    const outcomes = await Promise.all([claimSchedule(storage, designExample.id, a!, now), claimSchedule(storage, designExample.id, b!, now)]);
    expect(outcomes.sort()).toEqual(["claimed", "lost"]);
    expect((await getProfile(storage, designExample.id))!.cycle).toBe(1);
  });

  it("reports a claim on a deleted profile as lost", async () => {
    const storage = testStorage();
    await saveProfile(storage, profile());
    const read = (await getProfile(storage, designExample.id))!;
    expect(await deleteProfile(storage, designExample.id)).toBe(true);
    expect(await claimSchedule(storage, designExample.id, read, new Date())).toBe("lost");
    expect(await deleteProfile(storage, designExample.id)).toBe(false);
  });

  it("lists every profile past one page", async () => {
    const storage = testStorage();
    const ids = Array.from({ length: 1005 }, (_, i) => `p${String(i).padStart(4, "0")}`);
    for (let i = 0; i < ids.length; i += 50) await Promise.all(ids.slice(i, i + 50).map((id) => saveProfile(storage, profile({ id }))));
    storage.requests.reset();
    const listed = await listProfiles(storage);
    expect(storage.requests.table).toBe(2);
    expect(listed.map((p) => p.profile.id)).toEqual(ids);
    expect(await listProfileIds(storage)).toEqual(ids);
  }, 60_000);
});
