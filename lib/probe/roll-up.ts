import { countStates } from "../profiles/import.js";
import { hourlyRow, healthOf, windowFigures } from "../rollup/index.js";
import { readChecksForHours } from "../store/checks.js";
import { readHourly, upsertHourly } from "../store/hourly.js";
import { hourKey } from "../store/keys.js";
import { listMailboxes } from "../store/mailboxes.js";
import type { StoredProfile } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";
import { mergeSummary, readSummary } from "../store/summaries.js";

const hourMs = 60 * 60_000;

/**
 * After the last shard of a cycle: the clock-hour rows of the hours the last 60 minutes touch, the rolling
 * last-60-minutes figure, mailbox states and health, written to the profile's summary for the status API.
 */
export async function rollUpCycle(storage: Storage, stored: StoredProfile, now: Date): Promise<void> {
  const id = stored.profile.id;
  const from = new Date(now.getTime() - hourMs);
  const hours = [...new Set([hourKey(from), hourKey(now)])];
  const checks = await readChecksForHours(storage, id, hours);
  for (const hour of hours) await upsertHourly(storage, id, hourlyRow(checks.filter((c) => c.hour === hour), hour));
  const lastHour = { ...windowFigures(checks, from, now), from: from.toISOString(), to: now.toISOString() };
  const hourly = await readHourly(storage, id, hourKey(new Date(now.getTime() - 23 * hourMs)));
  const mailboxStates = countStates(await listMailboxes(storage, id));
  const summary = await readSummary(storage, id);
  const certificateDays = (summary?.certificates ?? []).map((c) => c.daysLeft);
  const health = healthOf({
    lastHour,
    disabledMailboxes: mailboxStates.disabled,
    ...(summary?.lastTestConnection ? { lastTestConnection: summary.lastTestConnection } : {}),
    ...(certificateDays.length > 0 ? { minCertDaysLeft: Math.min(...certificateDays) } : {}),
  });
  await mergeSummary(storage, id, { lastHour, hourly, mailboxStates, health, name: stored.profile.name, owner: stored.profile.owner, updatedAt: now.toISOString() });
}
