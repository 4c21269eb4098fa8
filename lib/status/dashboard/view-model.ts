import type { MaintenanceWindow } from "../../maintenance/window.js";
import type { CertificateReport, ServerInfo, StepResult } from "../../model/connection.js";
import type { Failure } from "../../model/failure.js";
import type { MailboxState } from "../../model/mailbox.js";
import type { Health } from "../../model/summary.js";

/**
 * What the dashboard pages show, filled by the route from the status data. Optional fields are the ones
 * the status data does not have yet (staleness, readiness, maintenance, the email history): a page shows
 * "—" or leaves the section out without them. Times are ISO strings; every string is shown as text.
 */

/** `stale`: the last completed cycle is older than twice the polling interval plus the schedule's period. */
export type DashboardHealth = Health | "stale";

/** Where links point: `${basePath}` is the overview, `${basePath}/{profileId}` a profile; `code` is the function key. */
export interface Links {
  basePath: string;
  code?: string;
}

/** One hourly row; hours missing from the list are drawn as "no data". */
export interface HourInput {
  /** The start of the UTC hour (ISO). */
  start: string;
  processed: number;
  failed: number;
  /** The hour was (partly) inside a maintenance window when it was recorded. */
  maintenance?: boolean;
}

/** The occurrence of a window in force now. */
export interface MaintenanceInForce {
  window: MaintenanceWindow;
  start: string;
  end: string;
}

/** EWS-retirement readiness (issue 11's `readiness` object), for Exchange Online and hybrid profiles. */
export interface Readiness {
  ews: "allowed" | "blocked-by-policy" | "disabled" | "not-checked";
  ewsDaysLeft?: number;
  graphPermissions?: { granted: readonly string[]; missing: readonly string[] };
}

export interface ProfileRow {
  profileId: string;
  name: string;
  serverType: string;
  health: DashboardHealth;
  lastHour: { processed: number; failed: number; failurePercent: number };
  /** Up to the last 24 hours; the chart always draws 24 bars ending with the current hour. */
  hourly: readonly HourInput[];
  certificateDaysLeft: number | null;
  mailboxStates: Record<MailboxState, number>;
  readiness?: Readiness;
  /** The end of the last completed cycle; null when none completed yet. */
  lastCycleAt?: string | null;
  maintenanceNow?: MaintenanceInForce;
  /** Profiles from Dataverse: credentials (or what the map file must add) and mailboxes per agreement class. */
  dynamics?: DynamicsRow;
}

export interface DynamicsRow {
  credentials: "mapped" | "missing";
  needs?: string;
  agreement: Readonly<Record<string, number>>;
}

/** One mailbox of a profile from Dataverse: where Dynamics 365's verdict and the probe's meet, in one sentence. */
export interface DynamicsMailboxView {
  address: string;
  agreement: string;
  explanation: string;
  /** The explanation without the class's own words (the page shows the class's label beside it). */
  reason?: string;
}

export interface OverviewModel {
  /** The time the page is rendered for: the chart's last hour, ages ("12 min ago"). */
  now: string;
  links: Links;
  profiles: readonly ProfileRow[];
}

export type Diagnosis = Pick<Failure, "category" | "code" | "message" | "remediation" | "transient">;

export interface FailingMailboxView {
  address: string;
  state: MailboxState;
  consecutiveFailures: number;
  lastCheckedAt: string | null;
  nextAttemptAt: string | null;
  failingAfter: string | null;
  diagnosis: Diagnosis | null;
}

export interface TestConnectionView {
  at: string;
  ok: boolean;
  elapsedMs: number;
  steps: readonly StepResult[];
}

export interface AlertView {
  at: string;
  kind: string;
  audiences: readonly string[];
  address: string | null;
  message: string;
  diagnosis: Diagnosis | null;
}

export interface EmailView {
  at: string;
  /** alert, reminder, recovered, stale, readiness; absent for emails recorded before the story existed. */
  kind?: string;
  subject: string;
  recipient: string;
  outcome: "sent" | "unknown" | "refused";
  /** Why an email is uncertain or was refused. */
  reason?: string;
}

export interface ProfilePageModel {
  now: string;
  links: Links;
  profile: ProfileRow & { owner: string; server: ServerInfo | null };
  failingMailboxes: { total: number; truncated: boolean; items: readonly FailingMailboxView[] };
  testConnection: TestConnectionView | null;
  certificates: readonly CertificateReport[];
  recentAlerts: readonly AlertView[];
  emails?: readonly EmailView[];
  /** From the summary, for when the email history is not given. */
  emailsSent?: number;
  lastEmailAt?: string | null;
  maintenance?: readonly MaintenanceWindow[];
  /** Profiles from Dataverse: each mailbox's agreement class and explanation. */
  dynamicsMailboxes?: readonly DynamicsMailboxView[];
}
