import { describe, expect, it } from "vitest";
import { isEmptyPlan, planSync, type StoredMailboxState, type StoredProfileState, type SyncPlan } from "../../lib/dataverse/diff.js";
import { parseMapFile } from "../../lib/dataverse/map-file.js";
import { mapRecords, type ImportedProfile } from "../../lib/dataverse/map-records.js";
import { dvId, dvMailbox, dvProfile, type DvMailbox } from "../../sim/dataverse/index.js";

const owner = dvId(0x5e, 1);
const profileIds = [dvId(0xe5, 1), dvId(0xe5, 2)];
const parsedMap = parseMapFile(JSON.stringify({ profiles: profileIds.map((id) => ({ id, username: "svc@contoso.com", passwordSetting: "PW" })) }));
if (!parsedMap.ok) throw new Error("map");

function pull(mailboxes: Record<string, DvMailbox[]>, profileFields: object = {}): ImportedProfile[] {
  return mapRecords({
    environment: "https://contoso.crm.dynamics.com",
    profiles: Object.keys(mailboxes).map((id) => dvProfile({ emailserverprofileid: id, name: `P ${id.slice(-1)}`, _ownerid_value: owner, ...profileFields })),
    mailboxes: new Map(Object.entries(mailboxes)),
    owners: new Map([[owner, "o@contoso.com"]]),
    tracelogs: [],
    map: parsedMap.ok ? parsedMap.map : (undefined as never),
  }).profiles;
}

const boxes = (profile: string, count: number, change: (i: number) => Partial<DvMailbox> = () => ({})): DvMailbox[] =>
  Array.from({ length: count }, (_, i) => dvMailbox({ mailboxid: dvId(0x3b, Number.parseInt(profile.slice(-2), 16) * 1000 + i), emailaddress: `u${i}@contoso.com`, _emailserverprofile_value: profile, ...change(i) }));

/** What the store holds after applying a plan. */
function apply(plan: SyncPlan, stored: { profiles: StoredProfileState[]; mailboxes: StoredMailboxState[] }) {
  const profiles = new Map(stored.profiles.map((p) => [p.id, p]));
  for (const { profile, fingerprint } of [...plan.profiles.create, ...plan.profiles.update]) profiles.set(profile.profile.id, { id: profile.profile.id, source: "dataverse", fingerprint });
  for (const id of plan.profiles.delete) profiles.delete(id);
  const key = (m: { profileId: string; address: string }) => `${m.profileId} ${m.address}`;
  const mailboxes = new Map(stored.mailboxes.map((m) => [key(m), m]));
  for (const m of [...plan.mailboxes.create, ...plan.mailboxes.update]) mailboxes.set(key({ profileId: m.profileId, address: m.mailbox.config.address }), { profileId: m.profileId, address: m.mailbox.config.address, fingerprint: m.fingerprint });
  for (const m of plan.mailboxes.delete) mailboxes.delete(key(m));
  return { profiles: [...profiles.values()], mailboxes: [...mailboxes.values()] };
}

describe("sync plan", () => {
  const [a, b] = profileIds as [string, string];
  const handWritten: StoredProfileState = { id: "contoso-ex2016", source: "other" };

  it("creates everything the first time, then finds nothing to write when nothing changed", () => {
    const first = planSync({ profiles: [handWritten], mailboxes: [] }, pull({ [a]: boxes(a, 500), [b]: boxes(b, 20) }));
    expect(first.profiles.create).toHaveLength(2);
    expect(first.mailboxes.create).toHaveLength(520);
    const stored = apply(first, { profiles: [handWritten], mailboxes: [] });
    const second = planSync(stored, pull({ [a]: boxes(a, 500), [b]: boxes(b, 20) }));
    expect(isEmptyPlan(second)).toBe(true);
    expect(second.mailboxes.unchanged).toBe(520);
    expect(second.profiles.unchanged).toBe(2);
  });

  it("updates only what changed, deletes what Dataverse no longer has, and never touches profiles from elsewhere", () => {
    const stored = apply(planSync({ profiles: [handWritten], mailboxes: [] }, pull({ [a]: boxes(a, 10), [b]: boxes(b, 3) })), { profiles: [handWritten], mailboxes: [] });
    const changed = planSync(stored, pull({ [a]: boxes(a, 9, (i) => (i === 4 ? { incomingemailstatus: 2, lastsyncerror: "x" } : {})) }));
    expect(changed.mailboxes.update.map((m) => m.mailbox.config.address)).toEqual(["u4@contoso.com"]);
    expect(changed.mailboxes.delete.sort((x, y) => (x.address < y.address ? -1 : 1))).toEqual([
      { profileId: `dv-${b}`, address: "u0@contoso.com" },
      { profileId: `dv-${b}`, address: "u1@contoso.com" },
      { profileId: `dv-${b}`, address: "u2@contoso.com" },
      { profileId: `dv-${a}`, address: "u9@contoso.com" },
    ]);
    expect(changed.profiles.delete).toEqual([`dv-${b}`]);
    expect(changed.profiles.update).toEqual([]);
    expect(changed.mailboxes.unchanged).toBe(8);

    const renamedSetting = planSync(stored, pull({ [a]: boxes(a, 10), [b]: boxes(b, 3) }, { maxconcurrentconnections: 4 }));
    expect(renamedSetting.profiles.update).toHaveLength(2);
    expect(renamedSetting.mailboxes.update).toEqual([]);
  });

  it("reports a pulled profile whose id a profile from elsewhere holds, and leaves both alone", () => {
    const clash: StoredProfileState = { id: `dv-${a}`, source: "other" };
    const plan = planSync({ profiles: [clash], mailboxes: [{ profileId: clash.id, address: "keep@contoso.com" }] }, pull({ [a]: boxes(a, 2) }));
    expect(plan.profiles.conflicts).toEqual([{ id: clash.id, reason: expect.stringMatching(/does not come from Dataverse/) }]);
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it("rewrites a mailbox for Dynamics' processing time stamps at most once a day", () => {
    const at = (processed: string) => () => ({ processinglastattemptedon: processed, lastsuccessfulsynccompletedon: processed });
    const stored = apply(planSync({ profiles: [], mailboxes: [] }, pull({ [a]: boxes(a, 3, at("2026-11-30T10:05:00Z")) })), { profiles: [], mailboxes: [] });
    expect(isEmptyPlan(planSync(stored, pull({ [a]: boxes(a, 3, at("2026-11-30T11:10:00Z")) })))).toBe(true);
    expect(planSync(stored, pull({ [a]: boxes(a, 3, at("2026-12-01T00:10:00Z")) })).mailboxes.update).toHaveLength(3);
  });
});
