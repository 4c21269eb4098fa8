import type { ChannelName } from "../model/connection.js";
import type { AgreementCounts, AgreementKind, DataverseCredentials } from "../model/dynamics.js";
import type { MailboxRecord } from "../model/mailbox.js";
import type { MailboxAlert } from "./map-records.js";
import type { ServerType } from "./server-type.js";
import { describeCause, dynamicsOverall, profileAgreements, type Agreement, type DynamicsMailboxVerdict, type DynamicsStatus } from "./verdict.js";

/** One mailbox as the status and the email show it: Dynamics' verdict beside the probe's, and where the fault lies. */
export interface MailboxDynamicsView {
  address: string;
  mailboxId: string;
  dynamics: {
    overall: DynamicsStatus;
    statuses: Record<ChannelName, DynamicsStatus>;
    approval: DynamicsMailboxVerdict["approval"];
    processingLastAttemptedOn: string | null;
    lastSuccessfulSyncCompletedOn: string | null;
    postponedUntil: string | null;
    lastSyncError: DynamicsMailboxVerdict["lastSyncError"];
    transientFailureCount: number;
  };
  agreement: AgreementKind;
  /** One sentence for the administrator: which side is at fault, and the CRM cause when Dynamics fails. */
  explanation: string;
  /** The explanation without the class's own words, for a reader who sees the class's label; absent for both-pass. */
  reason?: string;
  /** The newest error trace logs of a mailbox Dynamics fails (empty otherwise). */
  alerts: MailboxAlert[];
}

const notProbedWords = {
  "not-approved": "the monitor does not probe it: the mailbox is not approved",
  "not-yet": "the monitor has not probed it yet",
  "needs-credentials": "the monitor does not probe it: the profile needs credentials in the map file",
  "monitor-error": "the monitor's last check ended in an error of its own",
} as const;

/** Each class in words, as the explanation opens. */
const agreementWords: Record<AgreementKind, string> = {
  "both-fail": "both fail",
  "dynamics-fails-probe-passes": "Dynamics fails, the probe passes",
  "probe-fails-dynamics-passes": "the probe fails, Dynamics passes",
  "both-pass": "both pass",
  "not-compared": "not compared",
};

/** Why the mailbox is in its class, without the class's own words (for a reader who sees its label); none for both-pass. */
export function agreementReason(agreement: Agreement): string | undefined {
  switch (agreement.kind) {
    case "both-fail":
      return "the fault is on the Exchange side; the probe's diagnosis applies";
    case "dynamics-fails-probe-passes":
      return `the fault is on the CRM side: ${describeCause(agreement.cause)}`;
    case "probe-fails-dynamics-passes":
      return "early warning, Exchange fails before Dynamics noticed";
    case "both-pass":
      return undefined;
    case "not-compared":
      if (agreement.missing === "dynamics") return "Dynamics has not processed the mailbox yet";
      return `${notProbedWords[agreement.probeReason ?? "not-yet"]}${agreement.cause ? `; Dynamics fails: ${describeCause(agreement.cause)}` : ""}`;
  }
}

/** The class in words, then why (`reason`, when already had): one sentence for a reader without the label. */
export function explainAgreement(agreement: Agreement, reason = agreementReason(agreement)): string {
  return reason === undefined ? agreementWords[agreement.kind] : `${agreementWords[agreement.kind]}: ${reason}`;
}

/**
 * A profile's Dynamics rows (lib/store/dynamics.ts) beside its stored mailbox records: one view per mailbox in
 * address order and the count of each class (the summary's `dynamics.agreement`).
 */
export function dynamicsView(
  rows: readonly { address: string; mailboxId: string; verdict: DynamicsMailboxVerdict; alerts: MailboxAlert[] }[],
  records: readonly MailboxRecord[],
  serverType: ServerType,
  credentials: DataverseCredentials,
  now: number,
): { mailboxes: MailboxDynamicsView[]; counts: AgreementCounts } {
  const probed = new Map(records.map((r) => [r.address.toLowerCase(), r]));
  const sorted = [...rows].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const { mailboxes, counts } = profileAgreements(
    sorted.map((r) => ({ address: r.address, dynamics: r.verdict })),
    probed,
    serverType,
    credentials,
    now,
  );
  return {
    counts,
    mailboxes: mailboxes.map(({ agreement }, i) => {
      const row = sorted[i]!;
      const reason = agreementReason(agreement);
      const v = row.verdict;
      const overall = dynamicsOverall(v);
      return {
        address: row.address,
        mailboxId: row.mailboxId,
        dynamics: {
          overall,
          statuses: v.statuses,
          approval: v.approval,
          processingLastAttemptedOn: v.processingLastAttemptedOn,
          lastSuccessfulSyncCompletedOn: v.lastSuccessfulSyncCompletedOn,
          postponedUntil: v.postponedUntil,
          lastSyncError: v.lastSyncError,
          transientFailureCount: v.transientFailureCount,
        },
        agreement: agreement.kind,
        explanation: explainAgreement(agreement, reason),
        ...(reason === undefined ? {} : { reason }),
        alerts: overall === "failure" ? row.alerts : [],
      };
    }),
  };
}
