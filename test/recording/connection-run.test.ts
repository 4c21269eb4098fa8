import { describe, expect, it } from "vitest";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import type { TestConnectionReport } from "../../lib/model/connection.js";
import { importProfile } from "../../lib/profiles/import.js";
import { ewsKind } from "../../lib/probes/ews.js";
import { publicReport, recordConnectionRun, recordCycleConnectionRun, unopenedReport } from "../../lib/recording/connection-run.js";
import { recentAlerts } from "../../lib/store/alerts.js";
import { latestTestConnections } from "../../lib/store/connection.js";
import { readSummary } from "../../lib/store/summaries.js";
import { contosoProfile } from "../support/cycle-org.js";
import { testStorage } from "../support/storage.js";

const failure = makeFailure("auth-failed", { code: "401", message: "The password was refused", context: {} });
const passed: TestConnectionReport = {
  profile: "contoso",
  ok: true,
  elapsedMs: 12,
  steps: ewsKind.steps.map((step) => ({ step, ok: true, elapsedMs: 4 })),
  mailboxes: [],
  certificates: [],
};

describe("recording a Test Connection run", () => {
  it("a kind that cannot be opened fails its first step and skips the others", () => {
    expect(unopenedReport(ewsKind, "contoso", failure)).toEqual({
      profile: "contoso",
      ok: false,
      elapsedMs: 0,
      steps: [
        { step: "autodiscover", ok: false, elapsedMs: 0, error: failure },
        { step: "ews", ok: null, elapsedMs: 0 },
        { step: "mailbox", ok: null, elapsedMs: 0 },
      ],
      mailboxes: [],
      certificates: [],
    });
  });

  it("the public report keeps the contract's fields only", () => {
    const run = { ...passed, server: { build: "15.1.2507.6", product: "Exchange Server 2016" }, ewsUrl: "https://x/EWS", mailboxResults: [] };
    expect(publicReport(run)).toEqual({ ...passed, server: run.server });
  });

  it("on demand: one connection row, the summary left alone", async () => {
    const storage = testStorage();
    expect((await importProfile(storage, contosoProfile())).ok).toBe(true);
    await recordConnectionRun(storage, passed, new Date("2025-05-01T10:00:00Z"));
    expect((await latestTestConnections(storage, "contoso", 5)).map((r) => [r.at, r.report.ok])).toEqual([["2025-05-01T10:00:00.000Z", true]]);
    expect((await readSummary(storage, "contoso"))!.lastTestConnection).toBeUndefined();
  });

  it("in a cycle: the row, the summary, and an owner alert only when the outcome changes", async () => {
    const storage = testStorage();
    expect((await importProfile(storage, contosoProfile())).ok).toBe(true);
    const failed = unopenedReport(ewsKind, "contoso", failure);
    await recordCycleConnectionRun(storage, { id: "contoso", name: "Contoso" }, passed, "2025-05-01T10:00:00.000Z", undefined);
    await recordCycleConnectionRun(storage, { id: "contoso", name: "Contoso" }, passed, "2025-05-01T10:05:00.000Z", true);
    expect(await recentAlerts(storage, "contoso", 10)).toEqual([]);
    await recordCycleConnectionRun(storage, { id: "contoso", name: "Contoso" }, failed, "2025-05-01T10:10:00.000Z", true);
    await recordCycleConnectionRun(storage, { id: "contoso", name: "Contoso" }, passed, "2025-05-01T10:15:00.000Z", false);

    expect((await latestTestConnections(storage, "contoso", 10)).map((r) => r.report.ok)).toEqual([true, false, true, true]);
    const summary = (await readSummary(storage, "contoso"))!;
    expect(summary.lastTestConnection).toMatchObject({ at: "2025-05-01T10:15:00.000Z", ok: true });
    const alerts = await recentAlerts(storage, "contoso", 10);
    expect(alerts.map((a) => [a.at, a.kind, a.audiences])).toEqual([
      ["2025-05-01T10:15:00.000Z", "test-connection-recovered", ["owner"]],
      ["2025-05-01T10:10:00.000Z", "test-connection-failed", ["owner"]],
    ]);
    expect(alerts[1]!.message).toContain("fails at the autodiscover step: The password was refused");
    expect(alerts[1]!.failure).toMatchObject({ category: "auth-failed" });
  });
});
