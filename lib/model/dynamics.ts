/**
 * What the status, the email and the metrics show of Dynamics 365's own verdict on a profile that comes from
 * Dataverse (docs/dataverse.md). The per-mailbox view is lib/dataverse/view.ts; the rows are in lib/store/dynamics.ts.
 */

/** Where the fault lies when the probe and Dynamics are put side by side (lib/dataverse/verdict.ts classifies). */
export const agreementKinds = ["both-fail", "dynamics-fails-probe-passes", "probe-fails-dynamics-passes", "both-pass", "not-compared"] as const;
export type AgreementKind = (typeof agreementKinds)[number];
export type AgreementCounts = Record<AgreementKind, number>;

export function noAgreements(): AgreementCounts {
  return { "both-fail": 0, "dynamics-fails-probe-passes": 0, "probe-fails-dynamics-passes": 0, "both-pass": 0, "not-compared": 0 };
}

/** The profile's last Test Connection as Dynamics recorded it. */
export type LastTest = "success" | "failure" | "warning" | "not-run";

export interface ProfileLastTest {
  status: LastTest;
  startedAt: string | null;
  response: string | null;
}

/** Where a profile comes from: profiles from Dataverse are read-only through the admin API. */
export interface DataverseSource {
  kind: "dataverse";
  /** The environment URL. */
  environment: string;
  /** emailserverprofileid. */
  id: string;
  name: string;
  servertype: number;
}

/** "mapped": the map file gives the credentials, the profile is probed. "missing": shown as needs credentials, not probed. */
export type DataverseCredentials = "mapped" | "missing";

/** The `dynamics` field of a profile's summary (only on profiles from Dataverse). */
export interface DynamicsProfileSummary {
  source: DataverseSource;
  credentials: DataverseCredentials;
  /** With credentials "missing": what the map file must add. */
  needs?: string;
  lastTest?: ProfileLastTest;
  /** Mailboxes per agreement class, as of `countedAt`. */
  agreement: AgreementCounts;
  countedAt: string;
}

/** Kept with a stored profile that comes from Dataverse (the `origin` column of the profiles table). */
export interface DataverseOrigin {
  source: DataverseSource;
  credentials: DataverseCredentials;
  needs?: string;
  lastTest: ProfileLastTest;
  /** What the sync wrote (lib/dataverse/diff.ts): an unchanged profile is not written again. */
  fingerprint: string;
}
