/** The owner emails of a profile's story, as the notifier records them and status reads them. */

export const emailKinds = ["alert", "reminder", "recovered", "stale", "readiness"] as const;
export type EmailKind = (typeof emailKinds)[number];

/**
 * What became of one send attempt: `sent` (the SMTP server accepted it), `refused` (the server or the
 * connection refused it before accepting anything: a later run tries again), `uncertain` (the body was on
 * its way when the connection broke: it may have arrived, so it counts as sent for the one-an-hour rule).
 */
export const emailOutcomes = ["sent", "refused", "uncertain"] as const;
export type EmailOutcome = (typeof emailOutcomes)[number];

/** The last email attempt of a profile, whatever its outcome. */
export interface EmailAttempt {
  /** ISO time of the send attempt (when the SMTP exchange ended). */
  at: string;
  kind: EmailKind;
  outcome: EmailOutcome;
  /** The server's or the connection's words, for `refused` and `uncertain`. */
  reason?: string;
}

export type EmailOutcomeCounts = Record<EmailOutcome, number>;

export const noEmailOutcomes: EmailOutcomeCounts = { sent: 0, refused: 0, uncertain: 0 };

/** What the notifications ledger remembers of a profile's story (lib/notify/alert-story.ts decides on it). */
export interface StoryState {
  /** The last email sent or possibly sent (an uncertain send counts: it may have arrived). */
  lastEmail?: { kind: EmailKind; at: string };
  /** An alert or reminder went out and no recovery since. */
  alertOpen: boolean;
  /** The stale email of the current stale episode went out. */
  staleNotified: boolean;
  /** What was missing for the EWS shutdown when the owner was last told of it (lib/notify/readiness-findings.ts), and when. */
  readinessTold?: { findings: string; at: string };
}
