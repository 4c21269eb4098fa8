import { z } from "zod";
import { formatIssues } from "../config/issues.js";
import type { TestConnectionReport } from "../model/connection.js";
import { probeKindFor } from "../probes/choose.js";
import { publicReport, recordConnectionRun, unopenedReport } from "../recording/connection-run.js";
import { recordReadiness } from "../recording/readiness.js";
import { missingCredentials } from "../profiles/dataverse-lock.js";
import { loadProfile, type OnDemand, type OnDemandContext } from "./outcome.js";

const body = z.strictObject({ mailboxes: z.array(z.email("must be an email address")).max(1000).optional() });

/** POST /api/profiles/{id}/test-connection: the command line's report, for one stored profile, recorded in `connection`. */
export async function testConnectionNow(ctx: OnDemandContext, profileId: string, input: unknown): Promise<OnDemand<TestConnectionReport>> {
  const parsed = body.safeParse(input ?? {});
  if (!parsed.success) return { kind: "invalid", problems: formatIssues(parsed.error.issues) };
  const loaded = await loadProfile(ctx.storage, profileId);
  if (loaded === undefined) return { kind: "not-found" };
  const needs = missingCredentials(loaded.stored);
  if (needs !== undefined) return { kind: "invalid", problems: needs };
  const { profile } = loaded;
  const at = ctx.now();
  const kind = probeKindFor(profile);
  const opened = await kind.open(profile, { maxConnections: profile.maxConcurrentConnections }, ctx.probe);
  let report: TestConnectionReport;
  if (!opened.ok) report = unopenedReport(kind, profileId, opened.failure);
  else {
    try {
      report = publicReport(await opened.value.checkEndpoints({ mailboxes: (parsed.data.mailboxes ?? []).map((a) => a.toLowerCase()) }));
    } finally {
      await opened.value.close();
    }
  }
  await recordConnectionRun(ctx.storage, report, at);
  if (report.readiness !== undefined) await recordReadiness(ctx.storage, profileId, report.readiness, at, "test-connection");
  return { kind: "done", value: report };
}
