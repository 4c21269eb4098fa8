import { describe, expect, it } from "vitest";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import { importProfile } from "../../lib/profiles/import.js";
import { removeProfile } from "../../lib/profiles/delete.js";
import { recordAlerts } from "../../lib/store/alerts.js";
import { recordChecks } from "../../lib/store/checks.js";
import { recordTestConnection } from "../../lib/store/connection.js";
import { startCycle } from "../../lib/store/cycles.js";
import { takeShare } from "../../lib/store/leases.js";
import { upsertHourly } from "../../lib/store/hourly.js";
import { encodeKeyPart } from "../../lib/store/keys.js";
import { writeDynamics } from "../../lib/store/dynamics.js";
import { dynamicsVerdictOf } from "../../lib/dataverse/verdict.js";
import { dvId, dvMailbox } from "../../sim/dataverse/index.js";
import { claim, confirmSent } from "../../lib/store/notifications.js";
import { tableNames, type Storage } from "../../lib/store/storage.js";
import { contosoProfile, litwareProfile } from "../support/cycle-org.js";
import { testStorage } from "../support/storage.js";

const at = new Date("2025-05-01T10:00:00Z");

/** Writes a row about the profile into every table there is. */
async function storeEverything(storage: Storage, profileId: string): Promise<void> {
  const failure = makeFailure("auth-failed", { code: "401", message: "no", context: {} });
  await recordChecks(storage, profileId, [{ address: `x@${profileId}.com`, at, outcome: { ok: false, failure } }]);
  await upsertHourly(storage, profileId, { hour: "2025050110", processed: 1, failed: 1, succeeded: 0, failurePercent: 100 });
  await recordTestConnection(storage, profileId, { profile: profileId, ok: true, elapsedMs: 1, steps: [], mailboxes: [], certificates: [] }, at);
  await recordAlerts(storage, [{ profileId, at: at.toISOString(), kind: "test-connection-failed", audiences: ["owner"], message: "fails" }]);
  await startCycle(storage, profileId, 1, 1, at);
  await takeShare(storage, profileId, { id: "h", label: "cycle 1 shard 1/1", want: 1, limit: 1, ttlMs: 60_000 });
  const verdict = dynamicsVerdictOf(dvMailbox({ mailboxid: dvId(0x3b, 1), emailaddress: `x@${profileId}.com`, _emailserverprofile_value: dvId(0xe5, 1) }));
  await writeDynamics(storage, [{ profileId, address: `x@${profileId}.com`, mailboxId: dvId(0x3b, 1), verdict, alerts: [], fingerprint: "f" }]);
  const claimed = await claim(storage, profileId, at, "claim-1");
  if (claimed.kind !== "claimed") throw new Error(`no claim: ${claimed.kind}`);
  const figures = { processed: 1, failed: 1, succeeded: 0, failurePercent: 100 };
  await confirmSent(storage, profileId, claimed, { at, kind: "alert", story: { alertOpen: true, staleNotified: false }, subject: "s", recipient: "o@x.com", figures, window: { from: at, to: at }, messageId: "m" });
}

/** Every row of every table whose keys name the profile. */
async function rowsOf(storage: Storage, profileId: string): Promise<string[]> {
  const key = encodeKeyPart(profileId);
  const found: string[] = [];
  for (const name of tableNames) {
    for await (const e of (await storage.table(name)).listEntities()) {
      if (e.partitionKey === key || e.partitionKey.startsWith(`${key}_`) || e.rowKey === key) found.push(`${name}/${e.partitionKey}/${e.rowKey}`);
    }
  }
  return found;
}

describe("deleting a profile", () => {
  it("removes its rows from every table, cycles and notifications included, and leaves other profiles alone", async () => {
    const storage = testStorage();
    for (const profile of [contosoProfile(), litwareProfile()]) {
      expect((await importProfile(storage, profile)).ok).toBe(true);
      await storeEverything(storage, profile.id as string);
    }
    const tablesOf = (rows: string[]) => [...new Set(rows.map((r) => r.split("/")[0]))].sort();
    expect(tablesOf(await rowsOf(storage, "contoso"))).toEqual([...tableNames].sort());

    expect(await removeProfile(storage, "contoso")).toBe("deleted");

    expect(await rowsOf(storage, "contoso")).toEqual([]);
    expect(tablesOf(await rowsOf(storage, "litware"))).toEqual([...tableNames].sort());
  });
});
