import type { CheckedReadiness, Readiness } from "../model/readiness.js";
import type { Storage } from "../store/storage.js";
import { mergeSummary } from "../store/summaries.js";

/** The probe cycle checks readiness once a day per Exchange Online or hybrid profile. */
export const readinessEveryMs = 24 * 3_600_000;

/** Whether the stored readiness is missing or at least a day old (a time in the future counts as old: a clock was wrong). */
export function readinessDue(stored: Pick<CheckedReadiness, "checkedAt"> | undefined, now: Date): boolean {
  if (stored === undefined) return true;
  const age = now.getTime() - Date.parse(stored.checkedAt);
  return !(age >= 0 && age < readinessEveryMs);
}

/** Keeps the readiness on the profile's summary, with when and by what it was checked. */
export async function recordReadiness(storage: Storage, profileId: string, readiness: Readiness, at: Date, by: CheckedReadiness["checkedBy"]): Promise<CheckedReadiness> {
  const checked: CheckedReadiness = { ...readiness, checkedAt: at.toISOString(), checkedBy: by };
  await mergeSummary(storage, profileId, { readiness: checked });
  return checked;
}
