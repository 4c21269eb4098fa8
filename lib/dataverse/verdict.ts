import type { ServerType } from "./server-type.js";
import type { ChannelName } from "../model/connection.js";
import type { FailureCategory } from "../model/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { MailboxRecordWire } from "./wire.js";
import { noAgreements, type AgreementCounts, type LastTest } from "../model/dynamics.js";

/** What Dynamics itself says about a mailbox: the three statuses of the mailbox form and what explains them. */

export type DynamicsStatus = "not-run" | "success" | "failure";
export type Approval = "empty" | "approved" | "pending" | "rejected" | "unknown";

export interface DynamicsMailboxVerdict {
  statuses: Record<ChannelName, DynamicsStatus>;
  approval: Approval;
  /** Exchange Online: "Email Address O365 Admin Approval Status". */
  approvedByMicrosoft365Admin: boolean | null;
  /** The channel's delivery method is server-side synchronization. */
  deliveredBySync: Record<ChannelName, boolean>;
  /** enabledforincomingemail / enabledforoutgoingemail / enabledforact. */
  enabled: Record<ChannelName, boolean | null>;
  processingLastAttemptedOn: string | null;
  lastSuccessfulSyncCompletedOn: string | null;
  postponedUntil: string | null;
  lastSyncError: { message: string; code: number | null; count: number | null; occurredOn: string | null } | null;
  transientFailureCount: number;
}

const status = (value: number | null): DynamicsStatus => (value === 1 ? "success" : value === 2 ? "failure" : "not-run");
const approvals: Record<number, Approval> = { 0: "empty", 1: "approved", 2: "pending", 3: "rejected" };

export function dynamicsVerdictOf(m: MailboxRecordWire): DynamicsMailboxVerdict {
  return {
    statuses: { incoming: status(m.incomingemailstatus), outgoing: status(m.outgoingemailstatus), appointmentsContactsTasks: status(m.actstatus) },
    approval: m.emailrouteraccessapproval === null ? "unknown" : (approvals[m.emailrouteraccessapproval] ?? "unknown"),
    approvedByMicrosoft365Admin: m.isemailaddressapprovedbyo365admin,
    deliveredBySync: { incoming: m.incomingemaildeliverymethod === 2, outgoing: m.outgoingemaildeliverymethod === 2, appointmentsContactsTasks: m.actdeliverymethod === 1 },
    enabled: { incoming: m.enabledforincomingemail, outgoing: m.enabledforoutgoingemail, appointmentsContactsTasks: m.enabledforact },
    processingLastAttemptedOn: m.processinglastattemptedon,
    lastSuccessfulSyncCompletedOn: m.lastsuccessfulsynccompletedon,
    postponedUntil: m.postponemailboxprocessinguntil,
    lastSyncError:
      m.lastsyncerror === null || m.lastsyncerror.trim() === ""
        ? null
        : { message: m.lastsyncerror, code: m.lastsyncerrorcode, count: m.lastsyncerrorcount, occurredOn: m.lastsyncerroroccurredon },
    transientFailureCount: m.transientfailurecount ?? 0,
  };
}

/** Failure when any of the three statuses is Failure; success when none fails and one succeeded; otherwise not run. */
export function dynamicsOverall(v: DynamicsMailboxVerdict): DynamicsStatus {
  const all = Object.values(v.statuses);
  if (all.includes("failure")) return "failure";
  return all.includes("success") ? "success" : "not-run";
}

/** The monitor's own last word on the mailbox. */
export type ProbeOverall =
  | { kind: "pass" }
  | { kind: "fail"; category?: FailureCategory }
  | { kind: "not-probed"; reason: "not-approved" | "not-yet" | "needs-credentials" | "monitor-error" };

/** From the stored mailbox: its newest check decides (a success at the last check passes, an error after it fails). */
export function probeOverallOf(record: MailboxRecord | undefined): ProbeOverall {
  if (record === undefined) return { kind: "not-probed", reason: "not-yet" };
  if (record.state === "disabled") return { kind: "fail", category: record.disabledReason?.category ?? record.lastError?.category };
  if (record.lastCheckedAt === undefined) return { kind: "not-probed", reason: record.approved ? "not-yet" : "not-approved" };
  if (record.lastSuccessAt !== undefined && record.lastSuccessAt >= record.lastCheckedAt) return { kind: "pass" };
  if (record.lastError === undefined) return { kind: "pass" };
  // A bug in the monitor says nothing about Exchange (lib/probe's policy does not count it either).
  return record.lastError.code === "internal-error" ? { kind: "not-probed", reason: "monitor-error" } : { kind: "fail", category: record.lastError.category };
}

/** Why Dynamics fails a mailbox on the CRM side, most decisive first. */
export type CrmCause =
  | { kind: "not-approved"; approval: Approval }
  | { kind: "pending-microsoft-365-admin-approval" }
  | { kind: "mailbox-settings"; channels: ChannelName[] }
  | { kind: "postponed"; until: string }
  | { kind: "last-sync-error"; message: string; code: number | null }
  | { kind: "unexplained" };

const onlineTypes: ReadonlySet<ServerType> = new Set(["exchange-online", "exchange-online-hybrid"]);

export function crmCauseOf(v: DynamicsMailboxVerdict, serverType: ServerType, now: number): CrmCause {
  if (v.approval !== "approved") return { kind: "not-approved", approval: v.approval };
  if (onlineTypes.has(serverType) && v.approvedByMicrosoft365Admin !== true) return { kind: "pending-microsoft-365-admin-approval" };
  const switchedOff = (Object.keys(v.deliveredBySync) as ChannelName[]).filter((c) => v.deliveredBySync[c] && v.enabled[c] === false);
  if (switchedOff.length > 0) return { kind: "mailbox-settings", channels: switchedOff };
  if (v.postponedUntil !== null && Date.parse(v.postponedUntil) > now) return { kind: "postponed", until: v.postponedUntil };
  if (v.lastSyncError) return { kind: "last-sync-error", message: v.lastSyncError.message, code: v.lastSyncError.code };
  return { kind: "unexplained" };
}

const channelWords: Record<ChannelName, string> = { incoming: "incoming email", outgoing: "outgoing email", appointmentsContactsTasks: "appointments, contacts and tasks" };

export function describeCause(cause: CrmCause): string {
  switch (cause.kind) {
    case "not-approved":
      return `the mailbox's email address is not approved in Dynamics (status: ${cause.approval}); approve it on the mailbox record`;
    case "pending-microsoft-365-admin-approval":
      return "the email address awaits approval by a Microsoft 365 global or Exchange administrator";
    case "mailbox-settings":
      return `the mailbox settings switch off ${cause.channels.map((c) => channelWords[c]).join(" and ")} while its delivery method is server-side synchronization`;
    case "postponed":
      return `Dynamics has postponed processing this mailbox until ${cause.until}`;
    case "last-sync-error":
      return `Dynamics' last synchronization error: ${cause.message}${cause.code === null ? "" : ` (code ${cause.code})`}`;
    case "unexplained":
      return "Dynamics reports a failure without a recorded reason; open the mailbox's alerts";
  }
}

/** Where the fault lies when the monitor's probe and Dynamics' own verdict are put side by side. */
export type Agreement =
  /** Exchange side: the probe's diagnosis applies. */
  | { kind: "both-fail" }
  /** CRM side: Exchange answers the monitor, Dynamics still fails. */
  | { kind: "dynamics-fails-probe-passes"; cause: CrmCause }
  /** Early warning: Exchange fails the monitor while Dynamics has not noticed yet. */
  | { kind: "probe-fails-dynamics-passes" }
  | { kind: "both-pass" }
  /** One side has no verdict; a CRM cause is given when Dynamics fails. */
  | { kind: "not-compared"; missing: "probe" | "dynamics"; probeReason?: Extract<ProbeOverall, { kind: "not-probed" }>["reason"]; cause?: CrmCause };

export { agreementKinds, type AgreementCounts, type AgreementKind, type LastTest } from "../model/dynamics.js";

export function classifyAgreement(v: DynamicsMailboxVerdict, probe: ProbeOverall, serverType: ServerType, now: number): Agreement {
  const dynamics = dynamicsOverall(v);
  if (probe.kind === "not-probed") {
    const result: Agreement = { kind: "not-compared", missing: "probe", probeReason: probe.reason };
    if (dynamics === "failure") result.cause = crmCauseOf(v, serverType, now);
    return result;
  }
  if (dynamics === "not-run") return { kind: "not-compared", missing: "dynamics" };
  if (dynamics === "failure") return probe.kind === "fail" ? { kind: "both-fail" } : { kind: "dynamics-fails-probe-passes", cause: crmCauseOf(v, serverType, now) };
  return probe.kind === "fail" ? { kind: "probe-fails-dynamics-passes" } : { kind: "both-pass" };
}

export function countAgreements(agreements: Iterable<Agreement>): AgreementCounts {
  const counts = noAgreements();
  for (const a of agreements) counts[a.kind] += 1;
  return counts;
}

/** Mailboxes with any of the three statuses = Failure (the pull's `failingMailboxes`). */
export function isFailing(v: DynamicsMailboxVerdict): boolean {
  return dynamicsOverall(v) === "failure";
}

export function lastTestOf(code: number | null): LastTest {
  return code === 1 ? "success" : code === 0 ? "failure" : code === 2 ? "warning" : "not-run";
}

export interface MailboxAgreement {
  address: string;
  agreement: Agreement;
}

/**
 * Every mailbox of a profile, Dynamics' verdict beside the stored probe result (by address), and the count of each
 * class. A profile without credentials is never probed, so none of its mailboxes can be compared.
 */
export function profileAgreements(
  mailboxes: readonly { address: string; dynamics: DynamicsMailboxVerdict }[],
  probed: ReadonlyMap<string, MailboxRecord>,
  serverType: ServerType,
  credentials: "mapped" | "missing",
  now: number,
): { mailboxes: MailboxAgreement[]; counts: AgreementCounts } {
  const list = mailboxes.map((m) => {
    const probe: ProbeOverall = credentials === "missing" ? { kind: "not-probed", reason: "needs-credentials" } : probeOverallOf(probed.get(m.address));
    return { address: m.address, agreement: classifyAgreement(m.dynamics, probe, serverType, now) };
  });
  return { mailboxes: list, counts: countAgreements(list.map((m) => m.agreement)) };
}
