import type { CertificateReport, ServerInfo, StepName, StepResult } from "./connection.js";
import type { Failure } from "./failure.js";
import type { DynamicsProfileSummary } from "./dynamics.js";
import type { MailboxState } from "./mailbox.js";
import type { CheckedReadiness } from "./readiness.js";
import type { EmailAttempt, EmailOutcomeCounts } from "./notification.js";

/** Processed / failed figures for a window of time, with the documentation's meaning of "failed". */
export interface WindowFigures {
  processed: number;
  failed: number;
  succeeded: number;
  /** failed / processed × 100, 0 when nothing was processed. */
  failurePercent: number;
}

/** One row of the `hourly` table (partition: profile id, row: yyyyMMddHH). */
export interface HourlyRow extends WindowFigures {
  hour: string;
  /** A maintenance window overlapped the hour (its failures do not email anyone). */
  maintenance?: boolean;
}

export type Health = "ok" | "degraded" | "failing" | "unknown";

export interface TestConnectionSummary {
  at: string;
  ok: boolean;
  elapsedMs: number;
  steps: StepResult[];
}

/**
 * A cycle whose Test Connection failed: every approved mailbox of the profile counts as failed for that cycle (a
 * failed check row each), so the hour's figures and the owner's email say so even though no mailbox was reached.
 */
export interface ProfileFailure {
  /** The cycle's Test Connection time (its scheduled time). */
  at: string;
  /** The first step that failed, and its failure. */
  step: StepName;
  failure: Failure;
  /**
   * "setup": the probe could not start (a secret setting missing): the monitor's own fault, mailbox states are left
   * alone. "exchange": Exchange answered Test Connection with a failure; the mailboxes' own checks run as the
   * platform's would, and its policy applies to them.
   */
  origin: "setup" | "exchange";
  /** The approved mailboxes counted failed for the cycle. */
  mailboxes: number;
}

/**
 * Everything the status list shows for one profile, kept in one entity of the `summaries` table
 * so that `GET /api/status` costs one query however many profiles there are.
 */
export interface ProfileSummary {
  profileId: string;
  name: string;
  owner: string;
  serverType: string;
  health: Health;
  /** `failedByCategory`: the failed mailboxes of the window by the category of their last failure ("unknown" without one). */
  lastHour: WindowFigures & { from: string; to: string; failedByCategory?: Record<string, number> };
  hourly: HourlyRow[];
  lastTestConnection?: TestConnectionSummary;
  /** The last cycle's profile-level failure; absent once a cycle's Test Connection passes. */
  profileFailure?: ProfileFailure;
  certificates: CertificateReport[];
  server?: ServerInfo;
  mailboxStates: Record<MailboxState, number>;
  /** EWS-retirement readiness of an Exchange Online or hybrid profile (issue 11), checked daily and by Test Connection. */
  readiness?: CheckedReadiness;
  /** The last email the SMTP server accepted. */
  lastEmailAt?: string;
  /** Emails the SMTP server accepted, in all. */
  emailsSent: number;
  /** The last send attempt, whatever became of it (issue 10 item 7). */
  lastEmail?: EmailAttempt;
  /** Send attempts by outcome, in all (absent before the first attempt). */
  emailOutcomes?: EmailOutcomeCounts;
  updatedAt: string;
  /** Profiles from Dataverse: Dynamics' verdict beside the probe's (lib/model/dynamics.ts). */
  dynamics?: DynamicsProfileSummary;
}
