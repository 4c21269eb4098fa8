import { z } from "zod";
import type { TestConnectionReport } from "../model/connection.js";
import { probeKindFor } from "../probes/choose.js";
import { publicReport, recordConnectionRun, unopenedReport } from "../recording/connection-run.js";
import { recordReadiness } from "../recording/readiness.js";
import { withConnectionShare } from "../cycle/connection-share.js";
import { busyMessage, onDemandShareWaitMs, openRequest, type OnDemand, type OnDemandContext } from "./outcome.js";

const body = z.strictObject({ mailboxes: z.array(z.email("must be an email address")).max(1000).optional() });

/** POST /api/profiles/{id}/test-connection: the command line's report, for one stored profile, recorded in `connection`. */
export async function testConnectionNow(ctx: OnDemandContext, profileId: string, input: unknown): Promise<OnDemand<TestConnectionReport>> {
  const request = await openRequest(ctx.storage, profileId, body, input);
  if (request.kind !== "ready") return request;
  const { profile } = request.loaded;
  const at = ctx.now();
  const kind = probeKindFor(profile);
  const limit = profile.maxConcurrentConnections;
  const shared = await withConnectionShare(ctx.storage, profileId, { label: "test-connection", want: limit, limit }, { waitMs: onDemandShareWaitMs }, async (connections) => {
    const opened = await kind.open(profile, { maxConnections: connections }, ctx.probe);
    if (!opened.ok) return unopenedReport(kind, profileId, opened.failure);
    try {
      const mailboxes = (request.body.mailboxes ?? []).map((a) => a.toLowerCase());
      return publicReport(await opened.value.checkEndpoints({ mailboxes, placed: request.loaded.mailboxes }));
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
