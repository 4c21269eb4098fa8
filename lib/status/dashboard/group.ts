import type { FailingMailboxView } from "./view-model.js";

/** Failing mailboxes that share a diagnosis category, with its remediation once when all say the same. */
export interface DiagnosisGroup {
  /** The failure category, or null for mailboxes failing without a recorded diagnosis. */
  category: string | null;
  /** The remediation shared by every mailbox of the group; undefined when they differ (each row shows its own). */
  remediation?: string;
  mailboxes: FailingMailboxView[];
}

/** Named categories in alphabetical order, then the mailboxes without a diagnosis. */
function byCategory(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups by category, largest group first (ties by category name, no diagnosis last), keeping the mailboxes' order. */
export function groupByDiagnosis(mailboxes: readonly FailingMailboxView[]): DiagnosisGroup[] {
  const groups = new Map<string | null, FailingMailboxView[]>();
  for (const m of mailboxes) {
    const key = m.diagnosis?.category ?? null;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [m]);
    else list.push(m);
  }
  return [...groups.entries()]
    .map(([category, members]): DiagnosisGroup => {
      const remediations = new Set(members.map((m) => m.diagnosis?.remediation));
      const shared = remediations.size === 1 ? [...remediations][0] : undefined;
      return shared === undefined ? { category, mailboxes: members } : { category, remediation: shared, mailboxes: members };
    })
    .sort((a, b) => b.mailboxes.length - a.mailboxes.length || byCategory(a.category, b.category));
}
