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

/** Findings as one line, for people and for the ledger ("EWS blocked-by-policy; missing Tasks.ReadWrite.All"). */
export const joinFindings = (items: readonly string[]): string => items.join("; ");

/** The findings a line written by joinFindings holds. */
export const splitFindings = (text: string | undefined): string[] => (text === undefined ? [] : text.split("; ").filter((i) => i !== ""));

/** The findings known now, as one line; none when nothing known is missing. */
export function findingsText(findings: ReadinessFindings | undefined): string | undefined {
  const known = [...(findings?.ews ?? []), ...(findings?.permissions ?? [])];
  return known.length === 0 ? undefined : joinFindings(known);
}

const isEws = (item: string): boolean => item.startsWith("EWS ");

/**
 * The findings as they stand after this check (`items`): its known parts, and for a part it could not check, what the
 * owner was last told of that part (`before`); and those this check found itself (`known`),
 * the only ones an email shows.
 */
export function findingsSince(now: ReadinessFindings, before: readonly string[]): { items: string[]; known: string[] } {
  const ews = now.ews ?? before.filter(isEws);
  const permissions = now.permissions ?? before.filter((i) => !isEws(i));
  return { items: [...ews, ...permissions], known: [...(now.ews ?? []), ...(now.permissions ?? [])] };
}
