/** How the pages write times, ages and figures: UTC, so every reader and every test sees the same text. */

const pad = (n: number): string => String(n).padStart(2, "0");

/** "2026-11-30 14:05 UTC", or "—" for no time. */
export function utcTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return "—";
  const t = new Date(iso);
  if (!Number.isFinite(t.getTime())) return "—";
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} UTC`;
}

export function hourLabel(start: Date): string {
  return `${pad(start.getUTCHours())}:00`;
}

/** "just now", "12 min ago", "3 h 5 min ago", "2 days ago"; "in 20 min" for a future time. */
export function age(iso: string | null | undefined, now: Date): string {
  if (iso === null || iso === undefined) return "";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  const ms = now.getTime() - t;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  let text: string;
  if (minutes < 1) return "just now";
  if (minutes < 60) text = `${minutes} min`;
  else if (minutes < 48 * 60) text = minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  else text = `${Math.floor(minutes / 1440)} days`;
  return ms >= 0 ? `${text} ago` : `in ${text}`;
}

export function percent(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}
