import type { Readiness } from "../model/readiness.js";

/**
 * What a profile needs before EWS stops in Exchange Online and does not have, part by part: EWS refusing the app
 * (`EWS blocked-by-policy`, `EWS disabled`) and the Graph permissions the app lacks (`missing Mail.Send`). A part is
 * undefined when it could not be checked this time (`not-checked`): unknown, not fixed.
 */
export interface ReadinessFindings {
  ews: readonly string[] | undefined;
  permissions: readonly string[] | undefined;
}

export function readinessFindings(readiness: Pick<Readiness, "ews" | "graphPermissions"> | undefined): ReadinessFindings | undefined {
  if (readiness === undefined) return undefined;
  const { ews, graphPermissions } = readiness;
  return {
    ews: ews === "not-checked" ? undefined : ews === "allowed" ? [] : [`EWS ${ews}`],
    permissions: graphPermissions.status === "checked" ? [...graphPermissions.missing].sort().map((p) => `missing ${p}`) : undefined,
  };
}

/** The findings known now, for people ("EWS blocked-by-policy; missing Tasks.ReadWrite.All"); none when nothing known is missing. */
export function findingsText(findings: ReadinessFindings | undefined): string | undefined {
  const known = [...(findings?.ews ?? []), ...(findings?.permissions ?? [])];
  return known.length === 0 ? undefined : known.join("; ");
}

const isEws = (item: string): boolean => item.startsWith("EWS ");

/**
 * The findings as they stand after this check (`items`): its known parts, and for a part it could not check, what the
 * owner was last told of that part (`told`, as findingsText wrote it); and those this check found itself (`known`),
 * the only ones an email shows.
 */
export function findingsSince(now: ReadinessFindings, told: string | undefined): { items: string[]; known: string[] } {
  const before = told === undefined ? [] : told.split("; ").filter((i) => i !== "");
  const ews = now.ews ?? before.filter(isEws);
  const permissions = now.permissions ?? before.filter((i) => !isEws(i));
  return { items: [...ews, ...permissions], known: [...(now.ews ?? []), ...(now.permissions ?? [])] };
}
