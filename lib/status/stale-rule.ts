import type { StoredProfile } from "../store/profiles.js";
import type { StaleRule } from "./view.js";

/**
 * What staleness needs of a profile: its polling interval and the schedule's period. A Dataverse profile without
 * credentials is never scheduled, so it is not stale but unknown; a summary whose profile is gone keeps its word.
 */
export function staleRule(stored: StoredProfile | undefined, scheduleEveryMs: number | undefined): StaleRule {
  if (stored === undefined) return undefined;
  return {
    pollingIntervalMinutes: stored.profile.pollingIntervalMinutes,
    scheduleEveryMs,
    ...(stored.origin?.credentials === "missing" ? { notProbed: true } : {}),
  };
}
