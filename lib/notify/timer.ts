import type { Settings } from "../config/settings.js";
import type { Storage } from "../store/storage.js";
import { createMailer } from "./mailer.js";
import { runNotifier, type NotifierDeps, type ProfileNotifyResult } from "./run-notifier.js";
import { scheduleEveryMsOf } from "../cycle/health.js";

export type NotifierRun = { kind: "off"; reason: string } | { kind: "ran"; results: ProfileNotifyResult[] };

export interface RunLog {
  info(message: string): void;
  warn(message: string): void;
  /** The per-run lines ("no email"), written only at LOG_LEVEL=debug. */
  debug?(message: string): void;
}

/** What the notify timer reads from the app context. */
export interface NotifyContext {
  settings: Pick<Settings, "smtp" | "statusBaseUrl"> & { schedules?: Pick<Settings["schedules"], "schedule"> };
  storage: Storage;
  env: Record<string, string | undefined>;
  now(): Date;
}

/** The notify timer's work: nothing (said once) without SMTP settings, else one notifier run, each profile's result logged. */
export async function notifyTimer(rt: NotifyContext, log: RunLog): Promise<NotifierRun> {
  const smtp = rt.settings.smtp;
  if (smtp === undefined) {
    const reason = "Email notifications are off: SMTP_HOST and SMTP_FROM are not set.";
    log.info(reason);
    return { kind: "off", reason };
  }
  const deps: NotifierDeps = { storage: rt.storage, mailer: createMailer(smtp, rt.env), now: rt.now };
  if (rt.settings.statusBaseUrl !== undefined) deps.statusBaseUrl = rt.settings.statusBaseUrl;
  const scheduleEveryMs = scheduleEveryMsOf(rt.settings);
  if (scheduleEveryMs !== undefined) deps.scheduleEveryMs = scheduleEveryMs;
  const results = await runNotifier(deps);
  for (const result of results) {
    const line = describe(result);
    if (result.kind === "error" || result.kind === "send-failed" || result.kind === "outcome-unknown") log.warn(line);
    else if (result.kind === "sent") log.info(line);
    else log.debug?.(line);
  }
  return { kind: "ran", results };
}

function describe(r: ProfileNotifyResult): string {
  switch (r.kind) {
    case "quiet":
      return `${r.profileId}: ${r.figures.failed} of ${r.figures.processed} mailboxes failed in the last hour; no email (${quietWords[r.reason]})`;
    case "recently-sent":
      return `${r.profileId}: ${r.due} due, but an ${r.by === "email" ? "email was sent" : "email was claimed"} at ${r.lastAt}; no email before 60 minutes have passed`;
    case "lost-race":
      return `${r.profileId}: another run claimed the ${r.email} email`;
    case "sent":
      return `${r.profileId}: emailed the owner ${r.recipient} the ${r.email} email (${r.messageId}), ${r.figures.failed} of ${r.figures.processed} failed`;
    case "send-failed":
      return `${r.profileId}: the ${r.email} email was refused before delivery (${r.error}); a later run will retry`;
    case "outcome-unknown":
      return `${r.profileId}: the ${r.email} email may or may not have been delivered (${r.error}); no other email this hour`;
    case "error":
      return `${r.profileId}: notifier failed: ${r.error}`;
  }
}

const quietWords: Record<Extract<ProfileNotifyResult, { kind: "quiet" }>["reason"], string> = {
  "below-threshold": "at or below 50%",
  "no-checks": "nothing was checked",
  maintenance: "maintenance window",
  "stale-notified": "stale, the owner was told",
};
