import { parseProfile, type Profile } from "../../../lib/config/profile.js";
import type { Failure } from "../../../lib/model/failure.js";
import { createMailer, type SmtpTimeouts } from "../../../lib/notify/mailer.js";
import { runNotifier, type ProfileNotifyResult } from "../../../lib/notify/run-notifier.js";
import { recordChecks } from "../../../lib/store/checks.js";
import { rollUpCycle } from "../../../lib/cycle/roll-up.js";
import { getProfile, saveProfile } from "../../../lib/store/profiles.js";
import type { Storage } from "../../../lib/store/storage.js";
import { unknownSummary, writeSummary } from "../../../lib/store/summaries.js";
import { testSettings, testStorage, uniqueName } from "../../support/storage.js";
import { SmtpSink } from "./smtp-sink.js";

export const t0 = new Date("2025-03-04T10:05:00Z");
export const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);

export const failure = (message = "The account does not have permission to impersonate the requested user."): Failure => ({
  category: "impersonation-denied",
  code: "ErrorImpersonateUserDenied",
  transient: false,
  message,
  remediation: "Assign the ApplicationImpersonation role to the service account.",
});

/** Azurite tables of its own, a real SMTP server, a real mailer, and a clock the test moves. */
export class World {
  readonly settings = testSettings();
  readonly storage: Storage = testStorage(this.settings);
  readonly sink = new SmtpSink();
  timeouts: SmtpTimeouts = { connectMs: 2_000, greetingMs: 2_000, socketMs: 2_000 };

  async start(): Promise<this> {
    await this.sink.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.sink.stop();
  }

  async addProfile(change: Partial<Profile> = {}): Promise<Profile> {
    const parsed = parseProfile({
      id: uniqueName("contoso-"),
      name: "Contoso Exchange 2016",
      serverType: "exchange-server",
      owner: "crm-admin@contoso.com",
      auth: { kind: "basic", username: "svc-crm@contoso.com", passwordSetting: "CONTOSO_EWS_PASSWORD" },
      ...change,
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    await saveProfile(this.storage, parsed.profile);
    await writeSummary(this.storage, unknownSummary(parsed.profile, t0));
    return parsed.profile;
  }

  /** One probe cycle at `when`: `failed` mailboxes fail, the others of `processed` succeed; the cycle's roll-up follows. */
  async probe(profileId: string, when: Date, processed: number, failed: number, error: Failure = failure()): Promise<void> {
    await recordChecks(
      this.storage,
      profileId,
      Array.from({ length: processed }, (_, i) => ({
        address: `user${i}@contoso.com`,
        at: when,
        outcome: i < failed ? { ok: false as const, failure: error } : { ok: true as const },
      })),
    );
    const stored = await getProfile(this.storage, profileId);
    if (stored !== undefined) await rollUpCycle(this.storage, stored, when);
  }

  /** One notifier run as the timer would start it, with its own storage client (as on another instance). */
  run(now: Date | (() => Date), storage: Storage = testStorage(this.settings)): Promise<ProfileNotifyResult[]> {
    const mailer = createMailer({ host: "127.0.0.1", port: this.sink.port, tls: "none", from: "monitor@contoso.com" }, {}, this.timeouts);
    return runNotifier({ storage, mailer, now: typeof now === "function" ? now : () => now, statusBaseUrl: "https://monitor.contoso.com" });
  }

  /** Probes every five minutes from `fromMinute` to `toMinute` (qualifying figures), running the notifier after each. */
  async timeline(profileId: string, fromMinute: number, toMinute: number, processed = 15, failed = 10): Promise<ProfileNotifyResult[]> {
    const results: ProfileNotifyResult[] = [];
    for (let m = fromMinute; m <= toMinute; m += 5) {
      await this.probe(profileId, at(m - 1), processed, failed);
      results.push(...(await this.run(at(m))).filter((r) => r.profileId === profileId));
    }
    return results;
  }
}
