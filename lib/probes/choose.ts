import type { Profile } from "../config/profile.js";
import { ewsKind } from "./ews.js";
import type { ProbeKind } from "./kind.js";

/** The kind that probes a profile; every profile is probed over EWS for now. */
export function probeKindFor(_profile: Profile): ProbeKind {
  return ewsKind;
}
