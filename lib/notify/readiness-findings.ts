import type { Readiness } from "../model/readiness.js";

/**
 * What the owner needs to hear before EWS stops in Exchange Online, as one comparable string: EWS refusing the
 * profile's app (blocked by policy, or switched off) and the Graph permissions the app lacks. None when nothing is
 * missing; an answer that could not be had (`not-checked`) is no finding either way.
 */
export function readinessFindings(readiness: Pick<Readiness, "ews" | "graphPermissions"> | undefined): string | undefined {
  if (readiness === undefined) return undefined;
  const findings: string[] = [];
  if (readiness.ews === "blocked-by-policy" || readiness.ews === "disabled") findings.push(`EWS ${readiness.ews}`);
  const { graphPermissions } = readiness;
  if (graphPermissions.status === "checked" && graphPermissions.missing.length > 0) findings.push(`missing ${[...graphPermissions.missing].sort().join(", ")}`);
  return findings.length === 0 ? undefined : findings.join("; ");
}
