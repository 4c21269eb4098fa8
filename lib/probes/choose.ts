import type { Profile } from "../config/profile.js";
import { ewsKind } from "./ews.js";
import { ewsOnlineKind, graphKind, hybridKind } from "./graph.js";
import type { ProbeKind } from "./kind.js";

/**
 * The kind that probes a profile, from its `api` (absent = auto): Exchange Server and every profile with a password
 * go through EWS; Exchange Online through Graph unless `api` says EWS (then EWS with the readiness check); hybrid
 * per mailbox unless `api` names one wire.
 */
export function probeKindFor(profile: Pick<Profile, "api" | "serverType" | "auth">): ProbeKind {
  if (profile.auth.kind !== "oauth" || profile.serverType === "exchange-server") return ewsKind;
  switch (profile.api ?? "auto") {
    case "graph":
      return graphKind;
    case "ews":
      return ewsOnlineKind;
    case "auto":
      return profile.serverType === "exchange-online" ? graphKind : hybridKind;
  }
}
