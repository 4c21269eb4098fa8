import type { HourInput } from "./view-model.js";

const hourMs = 3_600_000;
export const barsShown = 24;

export type BarState = "no-data" | "ok" | "some-failed" | "failing";

export interface HourBar {
  start: Date;
  processed: number;
  failed: number;
  maintenance: boolean;
  state: BarState;
}

/** The same > 50% rule as the email. */
function stateOf(processed: number, failed: number): BarState {
  if (processed === 0) return "no-data";
  if (failed * 2 > processed) return "failing";
  return failed > 0 ? "some-failed" : "ok";
}

/** Exactly 24 bars, oldest first, the last one the UTC hour of `now`; an hour with no row has no data. */
export function lastDayBars(rows: readonly HourInput[], now: Date): HourBar[] {
  const byHour = new Map<number, HourInput>();
  for (const row of rows) {
    const t = Date.parse(row.start);
    if (Number.isFinite(t)) byHour.set(Math.floor(t / hourMs) * hourMs, row);
  }
  const last = Math.floor(now.getTime() / hourMs) * hourMs;
  return Array.from({ length: barsShown }, (_, i) => {
    const start = last - (barsShown - 1 - i) * hourMs;
    const row = byHour.get(start);
    const processed = Math.max(0, row?.processed ?? 0);
    const failed = Math.min(processed, Math.max(0, row?.failed ?? 0));
    return { start: new Date(start), processed, failed, maintenance: row?.maintenance === true, state: stateOf(processed, failed) };
  });
}
