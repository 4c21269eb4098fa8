import type { ProfileSummary } from "../model/summary.js";
import type { SummaryUpdate } from "../store/summaries.js";

/** The summary after a merge of `update` (`profileFailure: null` clears it). */
export function withUpdate(summary: ProfileSummary, update: SummaryUpdate): ProfileSummary {
  const { profileFailure, ...rest } = update;
  const { profileFailure: _previous, ...kept } = summary;
  const next: ProfileSummary = { ...kept, ...rest };
  const failure = profileFailure === undefined ? summary.profileFailure : (profileFailure ?? undefined);
  if (failure !== undefined) next.profileFailure = failure;
  return next;
}
