import { isWeekly, type MaintenanceWindow } from "../../maintenance/window.js";
import { utcTime } from "./format.js";

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "Every Saturday 23:00–03:00 (next day), Europe/Berlin" or "2026-12-05 21:00 UTC – 2026-12-06 01:00 UTC". */
export function windowText(w: MaintenanceWindow): string {
  if (isWeekly(w)) {
    const nextDay = w.to <= w.from ? " (next day)" : "";
    return `Every ${capital(w.day)} ${w.from}–${w.to}${nextDay}, ${w.timeZone}`;
  }
  return `${utcTime(w.start)} – ${utcTime(w.end)}`;
}
