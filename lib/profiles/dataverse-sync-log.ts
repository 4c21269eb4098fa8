import type { SyncOutcome } from "./dataverse-sync.js";

export interface SyncLog {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

/** The timer's log lines for one sync: what changed, what was skipped and why, and a failure with what to do. */
export function logSync(outcome: SyncOutcome, log: SyncLog): void {
  switch (outcome.kind) {
    case "not-configured":
      return;
    case "wrong-settings":
      log.warn(`Dataverse sync: the settings are not valid: ${outcome.problems.map((p) => `${p.field} ${p.message}`).join("; ")}`);
      return;
    case "unreadable":
      log.warn(`Dataverse sync: Dataverse could not be read, nothing was written: ${outcome.failure.category} (${outcome.failure.code}): ${outcome.failure.message} What to do: ${outcome.failure.remediation}`);
      return;
    case "synced": {
      const { profiles: p, mailboxes: m } = outcome.counts;
      const changed = p.created + p.updated + p.deleted + m.created + m.updated + m.deleted > 0;
      // A sync that changed nothing is routine: below LOG_LEVEL info.
      const write = changed ? (m: string) => log.info(m) : (m: string) => log.debug?.(m);
      write(
        `Dataverse sync: profiles ${p.created} created, ${p.updated} updated, ${p.deleted} removed, ${p.unchanged} unchanged; ` +
          `mailboxes ${m.created} created, ${m.updated} updated, ${m.deleted} removed, ${m.unchanged} unchanged; ${outcome.requests} requests to Dataverse`,
      );
      for (const s of outcome.skipped) log.warn(`Dataverse sync skipped ${s.id}: ${s.reason}`);
      for (const w of outcome.warnings) log.warn(`Dataverse sync: ${w.message} What to do: ${w.remediation}`);
      for (const f of outcome.failed) log.warn(`Dataverse sync: profile ${f.id} was not written (the next sync tries again): ${f.error}`);
    }
  }
}
