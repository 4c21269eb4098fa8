import { describe, expect, it } from "vitest";
import { dynamicsVerdictOf } from "../../lib/dataverse/verdict.js";
import { noAgreements } from "../../lib/model/dynamics.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { deleteDynamics, readDynamics, readDynamicsFingerprints, readDynamicsMailbox, readDynamicsView, recountDynamics, writeDynamics, type DynamicsRow } from "../../lib/store/dynamics.js";
import { dvId, dvMailbox, type DvMailbox } from "../../sim/dataverse/index.js";
import { testStorage } from "../support/storage.js";

const now = new Date("2026-11-30T12:00:00Z");
const profileId = "dv-contoso";

function row(n: number, fields: Partial<DvMailbox> = {}): DynamicsRow {
  const mailboxId = dvId(0x3b, n);
  const address = `user${n}@contoso.com`;
  return {
    profileId,
    address,
    mailboxId,
    verdict: dynamicsVerdictOf(dvMailbox({ mailboxid: mailboxId, emailaddress: address, _emailserverprofile_value: dvId(0xe5, 1), ...fields })),
    alerts: [],
    fingerprint: `fp${n}`,
  };
}

const record = (address: string, outcome: "pass" | "fail"): MailboxRecord => ({
  profileId,
  address,
  approved: true,
  wanted: { incoming: true, outgoing: true, appointmentsContactsTasks: true },
  state: "enabled",
  channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" },
  consecutiveFailures: 0,
  lastCheckedAt: "2026-11-30T11:00:00.000Z",
  ...(outcome === "pass"
    ? { lastSuccessAt: "2026-11-30T11:00:00.000Z" }
    : { lastError: { category: "mailbox-not-found", code: "ErrorNonExistentMailbox", message: "no such mailbox", remediation: "create it", context: {} } as MailboxRecord["lastError"] }),
});

describe("the dynamics table", () => {
  it("writes 250 rows in three transactions, reads them back in address order and deletes some in batches", async () => {
    const storage = testStorage();
    const rows = Array.from({ length: 250 }, (_, i) => row(i + 1));
    expect(await writeDynamics(storage, rows)).toBe(3);
    const back = await readDynamics(storage, profileId);
    expect(back).toHaveLength(250);
    expect(back.map((r) => r.address)).toEqual(rows.map((r) => r.address).sort());
    expect(await readDynamicsMailbox(storage, profileId, "USER7@contoso.com")).toEqual(rows[6]);
    expect((await readDynamicsFingerprints(storage, profileId)).find((f) => f.address === "user9@contoso.com")).toEqual({ address: "user9@contoso.com", fingerprint: "fp9" });
    expect(await deleteDynamics(storage, profileId, rows.slice(0, 150).map((r) => r.address))).toBe(2);
    expect(await readDynamics(storage, profileId)).toHaveLength(100);
  });

  it("puts Dynamics' verdict beside the probe's and counts the classes; a profile not from Dataverse has none", async () => {
    const storage = testStorage();
    await writeDynamics(storage, [
      row(1),
      row(2, { incomingemailstatus: 2, lastsyncerror: "The mailbox is not approved", emailrouteraccessapproval: 2 }),
      row(3, { incomingemailstatus: 2 }),
      row(4),
      row(5),
    ]);
    const records = [record("user1@contoso.com", "pass"), record("user2@contoso.com", "pass"), record("user3@contoso.com", "fail"), record("user4@contoso.com", "fail")];
    const source = { kind: "dataverse" as const, environment: "https://contoso.crm.dynamics.com", id: dvId(0xe5, 1), name: "Contoso", servertype: 0 };
    const summary = { profileId, serverType: "exchange-server", dynamics: { source, credentials: "mapped" as const, agreement: noAgreements(), countedAt: now.toISOString() } };
    const view = await readDynamicsView(storage, summary, records, now);
    expect(view?.mailboxes.map((m) => [m.address, m.agreement])).toEqual([
      ["user1@contoso.com", "both-pass"],
      ["user2@contoso.com", "dynamics-fails-probe-passes"],
      ["user3@contoso.com", "both-fail"],
      ["user4@contoso.com", "probe-fails-dynamics-passes"],
      ["user5@contoso.com", "not-compared"],
    ]);
    expect(view?.mailboxes[1]?.explanation).toMatch(/CRM side: the mailbox's email address is not approved in Dynamics \(status: pending\)/);
    expect(view?.mailboxes[4]?.explanation).toBe("not compared: the monitor has not probed it yet");
    // The reason is the explanation without the class's own words, for a reader who sees the class's label.
    expect(view?.mailboxes.map((m) => m.reason)).toEqual([
      undefined,
      expect.stringMatching(/^the fault is on the CRM side: the mailbox's email address is not approved in Dynamics/),
      "the fault is on the Exchange side; the probe's diagnosis applies",
      "early warning, Exchange fails before Dynamics noticed",
      "the monitor has not probed it yet",
    ]);
    for (const m of view?.mailboxes ?? []) expect(m.explanation.endsWith(m.reason ?? m.explanation)).toBe(true);
    const recounted = await recountDynamics(storage, summary, records, now);
    expect(recounted?.agreement).toEqual({ "both-fail": 1, "dynamics-fails-probe-passes": 1, "probe-fails-dynamics-passes": 1, "both-pass": 1, "not-compared": 1 });
    expect(await readDynamicsView(storage, { profileId, serverType: "exchange-server" }, records, now)).toBeUndefined();
  });
});
