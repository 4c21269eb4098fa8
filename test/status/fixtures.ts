import type { Failure } from "../../lib/model/failure.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import type { HourlyRow, ProfileSummary } from "../../lib/model/summary.js";
import { createAppContext, type AppContext } from "../../lib/app-context.js";
import { writeSummary } from "../../lib/store/summaries.js";
import { startLocalHost, type LocalHost } from "../../local/host.js";
import { testSettings } from "../support/storage.js";
import { enabledMailbox } from "../support/mailbox-record.js";

export const t0 = new Date("2025-05-01T10:30:00.000Z");

export const failure = (overrides: Partial<Failure> = {}): Failure => ({
  category: "auth-failed",
  code: "401",
  transient: false,
  message: "The server refused the user name or password.",
  remediation: "Check the service account's password.",
  ...overrides,
});

export function hourlyRows(count: number, end = t0): HourlyRow[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(end.getTime() - (count - 1 - i) * 3_600_000);
    const hour = at.toISOString().slice(0, 13).replace(/[-T]/g, "");
    return { hour, processed: 10, failed: i % 3, succeeded: 10 - (i % 3), failurePercent: (i % 3) * 10 };
  });
}

export function summary(profileId: string, overrides: Partial<ProfileSummary> = {}): ProfileSummary {
  return {
    profileId,
    name: `Profile ${profileId}`,
    owner: "crm-admin@contoso.com",
    serverType: "exchange-server",
    health: "ok",
    lastHour: { processed: 40, failed: 2, succeeded: 38, failurePercent: 5, from: "2025-05-01T09:30:00.000Z", to: t0.toISOString() },
    hourly: hourlyRows(24),
    lastTestConnection: {
      at: "2025-05-01T10:25:00.000Z",
      ok: true,
      elapsedMs: 180,
      steps: [
        { step: "autodiscover", ok: true, elapsedMs: 120, url: "https://autodiscover.contoso.com/autodiscover/autodiscover.xml" },
        { step: "ews", ok: true, elapsedMs: 40, url: "https://mail.contoso.com/EWS/Exchange.asmx" },
        { step: "mailbox", ok: true, elapsedMs: 20 },
      ],
    },
    certificates: [
      { host: "autodiscover.contoso.com", trusted: true, namesMatch: true, daysLeft: 212 },
      { host: "mail.contoso.com", trusted: true, namesMatch: true, daysLeft: 30 },
    ],
    server: { build: "15.1.2507.6", product: "Exchange Server 2016" },
    mailboxStates: { "pending-approval": 1, enabled: 37, retrying: 1, disabled: 1 },
    lastEmailAt: "2025-05-01T08:00:00.000Z",
    emailsSent: 3,
    updatedAt: "2025-05-01T10:26:00.000Z",
    ...overrides,
  };
}

export const mailbox = (profileId: string, address: string, overrides: Partial<MailboxRecord> = {}): MailboxRecord =>
  enabledMailbox(profileId, address, {
    channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" },
    lastCheckedAt: "2025-05-01T10:20:00.000Z",
    lastSuccessAt: "2025-05-01T10:20:00.000Z",
    ...overrides,
  });

export async function seedSummaries(context: AppContext, summaries: readonly ProfileSummary[]): Promise<void> {
  for (let i = 0; i < summaries.length; i += 50) await Promise.all(summaries.slice(i, i + 50).map((s) => writeSummary(context.storage, s)));
}

export interface StatusHost {
  context: AppContext;
  host: LocalHost;
  clock: { now: Date };
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** The app through the real local host, with its own tables in Azurite, a clock the test moves, and extra app settings. */
export async function startStatusHost(
  env: Record<string, string> = {},
  overrides: (settings: ReturnType<typeof testSettings>) => Partial<Omit<AppContext, "settings" | "now" | "env">> = () => ({}),
): Promise<StatusHost> {
  const settings = testSettings(env);
  const clock = { now: t0 };
  const context = createAppContext(settings, { ...overrides(settings), now: () => clock.now, env: { ...env } });
  const host = await startLocalHost({ context, port: 0, keys: { function: "fkey", admin: "akey" }, log: () => {} });
  return {
    context,
    host,
    clock,
    get: (path, headers = {}) => fetch(`${host.url}/api/${path}`, { headers: { "x-functions-key": "fkey", ...headers } }),
    async stop() {
      await host.stop();
    },
  };
}
