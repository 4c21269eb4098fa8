import type { AlertRecord } from "../model/alert.js";
import type { MailboxCheck } from "../model/connection.js";
import type { MailboxRecord } from "../model/mailbox.js";
import { applyCheck } from "../cycle/policy.js";
import { recordAlerts } from "../store/alerts.js";
import { recordChecks, type CheckResult } from "../store/checks.js";
import { saveMailboxes } from "../store/mailboxes.js";
import type { Storage } from "../store/storage.js";

/** How many mailbox results are written in one go: one transaction per table. */
const flushEvery = 100;

export interface MailboxResultsScope {
  profileId: string;
  /** The cycle the results belong to; none for Test & Enable. */
  cycle?: number;
  /** The cycle's time: its alerts' rows are filed under it, so a redelivered message rewrites the same rows (each alert keeps its own time). */
  alertsKeyAt?: string;
}

/**
 * The recording of mailbox results, for the cycle and Test & Enable alike: each check moves its mailbox through
 * the policy, and the results are written in order — checks, then alerts, then the mailbox records (which mark
 * the cycle done) — buffered and flushed every 100.
 */
export class MailboxResults {
  checked = 0;
  failed = 0;
  #checks: CheckResult[] = [];
  #allChecks: CheckResult[] = [];
  /** Each result's alerts, in step with `#checks` and `#records`. */
  #alerts: AlertRecord[][] = [];
  #records: MailboxRecord[] = [];
  #updated = new Map<string, MailboxRecord>();
  #flushing: Promise<void> = Promise.resolve();
  #flushDue = false;
  #wroteInHand = false;
  #failed: unknown;

  constructor(
    private readonly storage: Storage,
    private readonly scope: MailboxResultsScope,
  ) {}

  add(record: MailboxRecord, check: MailboxCheck, at: Date): Promise<void> {
    const outcome = applyCheck(record, check, at, this.scope.cycle);
    this.checked += 1;
    if (!check.ok) this.failed += 1;
    const result: CheckResult = { address: record.address, at, outcome: check.ok ? { ok: true } : { ok: false, failure: check.error } };
    this.#checks.push(result);
    this.#allChecks.push(result);
    this.#alerts.push(outcome.alerts);
    this.#records.push(outcome.record);
    this.#updated.set(outcome.record.address, outcome.record);
    if (this.#records.length >= flushEvery) this.#flushSoon();
    return Promise.resolve();
  }

  /**
   * Written behind the checks, once the answers already in are handled and their connections' next requests sent:
   * building a transaction of 100 entities takes milliseconds of CPU, which would otherwise delay those turns.
   */
  #flushSoon(): void {
    if (this.#flushDue) return;
    this.#flushDue = true;
    setImmediate(() => {
      this.#flushDue = false;
      void this.flush(flushEvery);
      if (this.#records.length >= flushEvery) this.#flushSoon();
    });
  }

  /**
   * The last requests are out: the results in hand are written now, while their answers come, so that the end writes
   * only those answers (tens of results rather than up to a hundred, after the last of them). Once; it costs a write
   * of each table more than flushes of 100 alone.
   */
  writeInHand(): void {
    if (this.#wroteInHand) return;
    this.#wroteInHand = true;
    setImmediate(() => void this.flush());
  }

  /** Writes what is left, then throws the first write error, if any (a queue message is then delivered again). */
  async finish(): Promise<void> {
    await this.flush();
    if (this.#failed !== undefined) throw this.#failed;
  }

  /** Every check result added, written or not. */
  get checkResults(): readonly CheckResult[] {
    return this.#allChecks;
  }

  /** The given mailboxes with the results so far applied. */
  merged(mailboxes: readonly MailboxRecord[]): MailboxRecord[] {
    return mailboxes.map((m) => this.#updated.get(m.address) ?? m);
  }

  /** Writes the oldest `limit` results behind the earlier writes. */
  flush(limit = Infinity): Promise<void> {
    const checks = this.#checks.splice(0, limit);
    const alerts = this.#alerts.splice(0, limit).flat();
    const records = this.#records.splice(0, limit);
    // A failed write does not poison the later ones; the first error is thrown by `finish`.
    this.#flushing = this.#flushing.then(async () => {
      if (records.length === 0) return;
      try {
        await recordChecks(this.storage, this.scope.profileId, checks);
        await recordAlerts(this.storage, alerts, this.scope.alertsKeyAt);
        await saveMailboxes(this.storage, records);
      } catch (error) {
        this.#failed ??= error;
      }
    });
    return this.#flushing;
  }
}
