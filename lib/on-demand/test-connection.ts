import { z } from "zod";
import { formatIssues } from "../config/issues.js";
import type { TestConnectionReport } from "../model/connection.js";
import { probeKindFor } from "../probes/choose.js";
import { publicReport, recordConnectionRun, unopenedReport } from "../recording/connection-run.js";
import { recordReadiness } from "../recording/readiness.js";
import { missingCredentials } from "../profiles/dataverse-lock.js";
import { withConnectionShare } from "../cycle/connection-share.js";
import { busyMessage, loadProfile, onDemandShareWaitMs, type OnDemand, type OnDemandContext } from "./outcome.js";

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
  const limit = profile.maxConcurrentConnections;
  const shared = await withConnectionShare(ctx.storage, profileId, { label: "test-connection", want: limit, limit }, { waitMs: onDemandShareWaitMs }, async (connections) => {
    const opened = await kind.open(profile, { maxConnections: connections }, ctx.probe);
    if (!opened.ok) return unopenedReport(kind, profileId, opened.failure);
    try {
      return publicReport(await opened.value.checkEndpoints({ mailboxes: (parsed.data.mailboxes ?? []).map((a) => a.toLowerCase()) }));
    } finally {
      await opened.value.close();
    }
  });
  if (shared.kind === "busy") return { kind: "busy", message: busyMessage(profileId, shared.holders) };
  const report = shared.value;
  await recordConnectionRun(ctx.storage, report, at);
  if (report.readiness !== undefined) await recordReadiness(ctx.storage, profileId, report.readiness, at, "test-connection");
  return { kind: "done", value: report };
}
