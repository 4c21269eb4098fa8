import type { AlertRecord } from "../model/alert.js";
import type { Failure } from "../model/failure.js";
import { recentAlerts } from "../store/alerts.js";
import { readDynamics } from "../store/dynamics.js";
import { dynamicsView } from "../dataverse/view.js";
import type { ServerType } from "../dataverse/server-type.js";
import { listMailboxes } from "../store/mailboxes.js";
import type { Storage } from "../store/storage.js";
import { readSummary } from "../store/summaries.js";
import { strongEtag } from "./etag.js";
import { failingMailboxes, mailboxList } from "./mailbox-view.js";
import { redactJson } from "./redact.js";
import type { Rendered } from "./snapshot.js";
import { getProfile } from "../store/profiles.js";
import { staleRule } from "./stale-rule.js";
import { profileStatus } from "./view.js";

/** How many of the profile's newest alerts the detail shows. */
export const recentAlertCount = 20;

export type Detail = { kind: "found"; rendered: Rendered } | { kind: "not-found" };

interface AlertStatus {
  at: string;
  kind: AlertRecord["kind"];
  audiences: AlertRecord["audiences"];
  address: string | null;
  message: string;
  diagnosis: Pick<Failure, "category" | "code" | "message" | "remediation" | "transient"> | null;
}

function alertStatus(a: AlertRecord): AlertStatus {
  const f = a.failure;
  return {
    at: a.at,
    kind: a.kind,
    audiences: a.audiences,
    address: a.address ?? null,
    message: a.message,
    diagnosis: f === undefined ? null : { category: f.category, code: f.code, message: f.message, remediation: f.remediation, transient: f.transient },
  };
}

/**
 * One profile's status: its summary, then (only when it exists) its mailboxes partition and newest alerts in
 * parallel with its settings (for staleness) — 1 request for an unknown id, 4 for a profile of up to 1000 mailboxes. Never the raw checks.
 * The id must have passed checkProfileId; the stores put it into filters through encodeKeyPart and odata.
 */
export async function loadDetail(storage: Storage, profileId: string, secrets: readonly string[], now: Date, scheduleEveryMs?: number): Promise<Detail> {
  const summary = await readSummary(storage, profileId);
  if (summary === undefined) return { kind: "not-found" };
  const [mailboxes, alerts, dynamicsRows, stored] = await Promise.all([
    listMailboxes(storage, profileId),
    recentAlerts(storage, profileId, recentAlertCount),
    summary.dynamics === undefined ? undefined : readDynamics(storage, profileId),
    getProfile(storage, profileId),
  ]);
  // A profile from Dataverse: each mailbox's Dynamics verdict beside the probe's, with the side at fault.
  const dynamics = summary.dynamics === undefined || dynamicsRows === undefined ? undefined : dynamicsView(dynamicsRows, mailboxes, summary.serverType as ServerType, summary.dynamics.credentials, now.getTime());
  const document = {
    profile: profileStatus(summary, now, staleRule(stored, scheduleEveryMs)),
    failingMailboxes: failingMailboxes(mailboxes),
    mailboxes: mailboxList(mailboxes),
    recentAlerts: alerts.map(alertStatus),
    dynamicsMailboxes: dynamics?.mailboxes ?? null,
  };
  const body = redactJson(JSON.stringify(document), secrets);
  return { kind: "found", rendered: { body, etag: strongEtag(body) } };
}
