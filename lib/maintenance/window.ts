import { z } from "zod";
import { isKnownTimeZone } from "./zone-clock.js";

/** Maintenance windows of a profile, as written in the profile file and the admin API. */

export const weekDays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type WeekDay = (typeof weekDays)[number];

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:MM" between 00:00 and 23:59');
const reason = z.string().min(1).max(200).optional();

const isoInstant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date and time with its offset, such as 2026-12-05T22:00:00+01:00" });

const oneOffSchema = z
  .strictObject({ start: isoInstant, end: isoInstant, reason })
  .superRefine((w, ctx) => {
    if (Date.parse(w.end) <= Date.parse(w.start)) ctx.addIssue({ code: "custom", path: ["end"], message: "must be after start" });
  });

const weeklySchema = z.strictObject({
  day: z.enum(weekDays, { message: `must be one of ${weekDays.join(", ")}` }),
  from: clockTime,
  to: clockTime,
  timeZone: z.string().refine(isKnownTimeZone, { message: "must be a known IANA time zone such as Europe/Berlin or America/New_York" }),
  reason,
});

/** A one-off window, in force from `start` (included) to `end` (excluded). */
export type OneOffWindow = z.output<typeof oneOffSchema>;

/**
 * A weekly window: from `from` on `day` to `to` on the same day, or on the next day when `to` ≤ `from`
 * (so 23:00–02:00 runs across midnight and 06:00–06:00 lasts a whole day), on the wall clock of `timeZone`.
 */
export type WeeklyWindow = z.output<typeof weeklySchema>;

export type MaintenanceWindow = OneOffWindow | WeeklyWindow;

export const isWeekly = (w: MaintenanceWindow): w is WeeklyWindow => "day" in w;

const weeklyKeys = ["day", "from", "to", "timeZone"];
const oneOffKeys = ["start", "end"];
const shapeMessage = 'must be a one-off window { "start", "end" } or a weekly window { "day", "from", "to", "timeZone" }';

/**
 * One window, either shape. The shape is chosen by the fields present, so a wrong field is named on its
 * own (`maintenance[0].timeZone`) instead of a union's "invalid input".
 */
export const maintenanceWindowSchema = z.unknown().transform((value, ctx): MaintenanceWindow => {
  const keys = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
  const weekly = keys.some((k) => weeklyKeys.includes(k));
  const oneOff = keys.some((k) => oneOffKeys.includes(k));
  if (weekly === oneOff) {
    ctx.addIssue({ code: "custom", message: weekly ? `${shapeMessage}, not both` : shapeMessage });
    return z.NEVER;
  }
  const parsed = (weekly ? weeklySchema : oneOffSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) ctx.addIssue({ code: "custom", path: [...issue.path, key], message: "is not a known field" });
    } else {
      ctx.addIssue({ code: "custom", path: [...issue.path], message: issue.message });
    }
  }
  return z.NEVER;
});

export const maintenanceSchema = z.array(maintenanceWindowSchema).max(50).default([]);
