import type { Failure } from "./failure.js";
import type { Readiness } from "./readiness.js";

/** The three steps of Test Connection, in the order they run. */
export const stepNames = ["autodiscover", "ews", "mailbox"] as const;
/** Test Connection's steps for a profile probed through Microsoft Graph. */
export const graphStepNames = ["token", "graph", "mailbox"] as const;
export type StepName = (typeof stepNames)[number] | (typeof graphStepNames)[number];

/** Where the mailbox a step used came from: the first --mailbox asked for, the profile's mailboxes, or its service account. */
export type TestAddressSource = "requested" | "first-approved-mailbox" | "first-mailbox" | "service-account";

/** What a step worked on: the URL, and for the EWS and mailbox steps the mailbox it opened and why that one. */
export interface StepTarget {
  url?: string;
  address?: string;
  addressFrom?: TestAddressSource;
}

/**
 * `ok: null` marks a step that did not run because an earlier one failed. `skipped: true` (with `ok: true`) marks a
 * step the profile turns off — Autodiscover with `autodiscover: false` — whose `url` is the configured one.
 */
export type StepResult =
  | ({ step: StepName; ok: true; elapsedMs: number; skipped?: true } & StepTarget)
  | ({ step: StepName; ok: false; elapsedMs: number; error: Failure } & StepTarget)
  | { step: StepName; ok: null; elapsedMs: 0 };

/** What Test & Enable shows for each synchronization channel. */
export type ChannelStatus = "not-run" | "success" | "failure";

export const channelNames = ["incoming", "outgoing", "appointmentsContactsTasks"] as const;
export type ChannelName = (typeof channelNames)[number];
export type ChannelStatuses = Record<ChannelName, ChannelStatus>;

/**
 * One mailbox's Test & Enable checks. `ewsUrl` is where EWS answered (absent for a Graph check);
 * `notes` say what could not be checked and why (To Do in 21Vianet).
 */
export type MailboxCheck =
  | { address: string; ok: true; channels: ChannelStatuses; ewsUrl?: string; elapsedMs: number; notes?: string[] }
  | { address: string; ok: false; channels: ChannelStatuses; ewsUrl?: string; elapsedMs: number; error: Failure; notes?: string[] };

export interface CertificateReport {
  host: string;
  trusted: boolean;
  namesMatch: boolean;
  daysLeft: number;
  /** Why the certificate is not trusted (Node's verification error code), when it is not. */
  reason?: string;
}

export interface ServerInfo {
  build: string;
  product: string;
}

/** The object `test-connection --json` prints and `POST /api/profiles/{id}/test-connection` returns. */
export interface TestConnectionReport {
  profile: string;
  ok: boolean;
  elapsedMs: number;
  steps: StepResult[];
  mailboxes: MailboxCheck[];
  certificates: CertificateReport[];
  server?: ServerInfo;
  /** Exchange Online and hybrid profiles: will synchronization survive the EWS shutdown, and what is missing. */
  readiness?: Readiness;
}
