import type { AlertRecord } from "../model/alert.js";
import { recentAlerts } from "../store/alerts.js";
import { readDynamics } from "../store/dynamics.js";
import { dynamicsView } from "../dataverse/view.js";
import type { ServerType } from "../dataverse/server-type.js";
import { listMailboxes } from "../store/mailboxes.js";
import type { Storage } from "../store/storage.js";
import { readSummary } from "../store/summaries.js";
import { strongEtag } from "./etag.js";
import { diagnosis, failingMailboxes, mailboxList, type Diagnosis } from "./mailbox-view.js";
import { redactJson } from "./redact.js";
import type { Rendered } from "./snapshot.js";
import { getProfile } from "../store/profiles.js";
import { profileStatus, type ProfileStatus } from "./view.js";
import type { MailboxDynamicsView } from "../dataverse/view.js";

/** How many of the profile's newest alerts the detail shows. */
export const recentAlertCount = 20;

export type Detail = { kind: "found"; rendered: Rendered } | { kind: "not-found" };

export interface AlertStatus {
  at: string;
  kind: AlertRecord["kind"];
  audiences: AlertRecord["audiences"];
  address: string | null;
  message: string;
  diagnosis: Diagnosis | null;
}

function alertStatus(a: AlertRecord): AlertStatus {
  return {
    at: a.at,
    kind: a.kind,
    audiences: a.audiences,
    address: a.address ?? null,
    message: a.message,
    diagnosis: diagnosis(a.failure),
  };
}

/**
 * One profile's status: its summary, then (only when it exists) its mailboxes partition and newest alerts in
 * parallel with its settings (for staleness) — 1 request for an unknown id, 4 for a profile of up to 1000 mailboxes. Never the raw checks.
 * The id must have passed checkProfileId; the stores put it into filters through encodeKeyPart and odata.
 */
export type DetailDocument = {
  profile: ProfileStatus;
  failingMailboxes: ReturnType<typeof failingMailboxes>;
  mailboxes: ReturnType<typeof mailboxList>;
  recentAlerts: AlertStatus[];
  dynamicsMailboxes: MailboxDynamicsView[] | null;
};

/** The detail as data (not yet redacted), or undefined for an unknown id; the dashboard's profile page uses it too. */
export async function loadDetailDocument(storage: Storage, profileId: string, now: Date, scheduleEveryMs?: number): Promise<DetailDocument | undefined> {
  const summary = await readSummary(storage, profileId);
  if (summary === undefined) return undefined;
  const [mailboxes, alerts, dynamicsRows, stored] = await Promise.all([
    listMailboxes(storage, profileId),
    recentAlerts(storage, profileId, recentAlertCount),
    summary.dynamics === undefined ? undefined : readDynamics(storage, profileId),
    getProfile(storage, profileId),
  ]);
  // A profile from Dataverse: each mailbox's Dynamics verdict beside the probe's, with the side at fault.
  const dynamics = summary.dynamics === undefined || dynamicsRows === undefined ? undefined : dynamicsView(dynamicsRows, mailboxes, summary.serverType as ServerType, summary.dynamics.credentials, now.getTime());
  return {
    profile: profileStatus(summary, now, stored, scheduleEveryMs),
    failingMailboxes: failingMailboxes(mailboxes),
    mailboxes: mailboxList(mailboxes),
    recentAlerts: mergeAudiences(alerts.map(alertStatus)),
    dynamicsMailboxes: dynamics?.mailboxes ?? null,
  };
}

export async function loadDetail(storage: Storage, profileId: string, secrets: readonly string[], now: Date, scheduleEveryMs?: number): Promise<Detail> {
  const document = await loadDetailDocument(storage, profileId, now, scheduleEveryMs);
  if (document === undefined) return { kind: "not-found" };
  const body = redactJson(JSON.stringify(document), secrets);
  return { kind: "found", rendered: { body, etag: strongEtag(body) } };
}

/**
 * Rows written before one record held both audiences of an event: the mailbox's and the owner's copies of one
 * event (same time, kind, address and message) are shown once, with both audiences.
 */
export function mergeAudiences(alerts: readonly AlertStatus[]): AlertStatus[] {
  const out: AlertStatus[] = [];
  const byEvent = new Map<string, AlertStatus>();
  for (const a of alerts) {
    const key = JSON.stringify([a.at, a.kind, a.address, a.message]);
    const seen = byEvent.get(key);
    if (seen === undefined) {
      const copy = { ...a, audiences: [...a.audiences] };
      byEvent.set(key, copy);
      out.push(copy);
    } else for (const audience of a.audiences) if (!seen.audiences.includes(audience)) seen.audiences.push(audience);
  }
  return out;
}
