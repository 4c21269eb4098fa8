import type { FieldProblem } from "../config/issues.js";
import { parseProfile, type Profile } from "../config/profile.js";
import type { MailboxRecord, MailboxState } from "../model/mailbox.js";
import type { ProfileSummary } from "../model/summary.js";
import { deleteAllMailboxes, deleteMailboxes, listMailboxes, saveMailboxes } from "../store/mailboxes.js";
import { getProfile, saveProfile } from "../store/profiles.js";
import { deleteSummary, mergeSummary, readSummary, unknownSummary, writeSummary } from "../store/summaries.js";
import type { Storage } from "../store/storage.js";
import { applyMailboxPlan } from "./apply-mailbox-plan.js";
import { planMailboxSync, type MailboxPlan } from "./mailbox-sync.js";
import { missingSecretWarnings, type ImportWarning } from "./import-warnings.js";

export type ImportResult =
  | {
      ok: true;
      profileId: string;
      created: boolean;
      mailboxes: { total: number; added: number; updated: number; removed: number; unchanged: number };
      /** What was stored but will not work yet (a secret setting this environment does not hold). */
      warnings: ImportWarning[];
    }
  | { ok: false; problems: FieldProblem[] };

/**
 * Imports a profile document (the profile file format). Invalid input is refused with every wrong field named and
 * nothing written. Otherwise the mailboxes are written first, then the summary, and the profile entity last, so the
 * schedule only ever sees a complete profile; if a write fails, what was written is undone and the error is thrown.
 * `id` (from a URL) must match the document's id, or fills it in when the document has none. With `env` (the app's
 * settings), a secret setting the profile names that is not there is a warning in the result.
 */
export async function importProfile(
  storage: Storage,
  document: unknown,
  options: { id?: string; now?: Date; env?: Record<string, string | undefined> } = {},
): Promise<ImportResult> {
  const checked = validate(document, options.id);
  if (!checked.ok) return checked;
  const profile = checked.profile;
  const now = options.now ?? new Date();

  const existing = await getProfile(storage, profile.id);
  const before = await listMailboxes(storage, profile.id);
  const summaryBefore = await readSummary(storage, profile.id);
  const plan = planMailboxSync(before, profile);
  try {
    await applyMailboxPlan(storage, profile.id, plan);
    const states = countStates(plan.after);
    const identity = { name: profile.name, owner: profile.owner, serverType: profile.serverType };
    if (summaryBefore === undefined) await writeSummary(storage, { ...unknownSummary(profile, now), mailboxStates: states });
    else await mergeSummary(storage, profile.id, { ...identity, mailboxStates: states });
    await saveProfile(storage, profile, now);
  } catch (error) {
    await undo(storage, profile.id, { existed: existing !== undefined, plan, before, summaryBefore }).catch(() => {});
    throw error;
  }
  return {
    ok: true,
    profileId: profile.id,
    created: existing === undefined,
    mailboxes: { total: plan.after.length, added: plan.added, updated: plan.updated, removed: plan.deletes.length, unchanged: plan.unchanged },
    warnings: options.env === undefined ? [] : missingSecretWarnings(profile.auth, options.env),
  };
}

function validate(document: unknown, routeId: string | undefined): { ok: true; profile: Profile } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let input = document;
  if (routeId !== undefined && isObject(document)) {
    if (document.id === undefined) input = { ...document, id: routeId };
    else if (document.id !== routeId) problems.push({ field: "id", message: `must match the profile id in the address ("${routeId}") or be left out` });
  }
  const parsed = parseProfile(input);
  if (!parsed.ok) return { ok: false, problems: [...problems, ...parsed.problems] };
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function countStates(mailboxes: readonly MailboxRecord[]): Record<MailboxState, number> {
  const counts: Record<MailboxState, number> = { "pending-approval": 0, enabled: 0, retrying: 0, disabled: 0 };
  for (const m of mailboxes) counts[m.state]++;
  return counts;
}

/** Puts back what an import that failed half-way had changed. */
async function undo(
  storage: Storage,
  profileId: string,
  was: { existed: boolean; plan: MailboxPlan; before: MailboxRecord[]; summaryBefore: ProfileSummary | undefined },
): Promise<void> {
  if (!was.existed) {
    await deleteAllMailboxes(storage, profileId);
  } else {
    const touched = new Set([...was.plan.upserts, ...was.plan.deletes].map((m) => m.address));
    await saveMailboxes(storage, was.before.filter((m) => touched.has(m.address)));
    const known = new Set(was.before.map((m) => m.address));
    await deleteMailboxes(storage, profileId, was.plan.upserts.filter((m) => !known.has(m.address)).map((m) => m.address));
  }
  if (was.summaryBefore === undefined) await deleteSummary(storage, profileId);
  else await writeSummary(storage, was.summaryBefore);
}
