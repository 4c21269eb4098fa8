import { z } from "zod";
import { checkNcrontab } from "./cron.js";
import { dataverseEnvShape, dataverseProblems, dataverseSettings, type DataverseSettings } from "./dataverse-settings.js";
import { registrationDefaults } from "./registration.js";
import { describeProblems, formatIssues, type FieldProblem } from "./issues.js";
import { logLevels, type LogLevel } from "./log-level.js";
import { profileFileProblems } from "./profile-files.js";
import { connectionStringProblem } from "./storage-connection.js";

/** Where tables and queues live: a connection string (Azurite included) or an account reached with managed identity. */
export type StorageTarget =
  | { kind: "connection-string"; connectionString: string }
  | { kind: "managed-identity"; accountName: string; tableUrl: string; queueUrl: string; clientId?: string }
  | { kind: "not-configured" };

export type SmtpTlsMode = "none" | "starttls" | "tls";

export interface SmtpSettings {
  host: string;
  port: number;
  tls: SmtpTlsMode;
  user?: string;
  /** The name of the app setting that holds the SMTP password, never the password itself. */
  passwordSetting?: string;
  from: string;
}

export interface Settings {
  storage: StorageTarget;
  tablePrefix: string;
  probeQueue: string;
  smtp?: SmtpSettings;
  schedules: { schedule: string; notify: string; retention: string; dataverseSync: string };
  shardSize: number;
  /** How long the status endpoints reuse one read of the rollups (0: no reuse, concurrent requests still share one). */
  statusCacheSeconds: number;
  checksRetentionDays: number;
  historyRetentionDays: number;
  dnsServers: string[];
  trustedCaFile?: string;
  profileFiles: string[];
  statusBaseUrl?: string;
  /** Present when DATAVERSE_URL is set: where the profiles and mailboxes come from. */
  dataverse?: DataverseSettings;
  /** The least severe log line written (LOG_LEVEL). */
  logLevel: LogLevel;
}

export class SettingsError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(`The app settings are not valid:\n${describeProblems(problems)}`);
    this.name = "SettingsError";
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const integer = (fallback: number, min: number, max: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .transform((v) => v ?? fallback),
  );

const ncrontab = (fallback: string) =>
  optionalText.transform((v, ctx) => {
    const value = v ?? fallback;
    const check = checkNcrontab(value);
    if (!check.ok) ctx.addIssue({ code: "custom", message: `must be an NCRONTAB expression: ${check.reason}` });
    return value;
  });

const dnsServer = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\])(:\d{1,5})?$/i;

const envSchema = z.object({
  AzureWebJobsStorage: optionalText.superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : connectionStringProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  }),
  AzureWebJobsStorage__accountName: optionalText.pipe(
    z.string().regex(/^[a-z0-9]{3,24}$/, "must be a storage account name (3-24 lower-case letters and digits)").optional(),
  ),
  AzureWebJobsStorage__tableServiceUri: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
  AzureWebJobsStorage__queueServiceUri: optionalText.pipe(z.url({ protocol: /^https$/ }).optional()),
  AzureWebJobsStorage__clientId: optionalText.pipe(z.uuid("must be the client id (GUID) of a user-assigned identity").optional()),
  TABLE_PREFIX: optionalText.pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, "must be up to 20 letters and digits, starting with a letter").optional()),
  PROBE_QUEUE: optionalText.pipe(z.string().regex(/^[a-z0-9](-?[a-z0-9]){2,40}$/, "must be a queue name: lower-case letters, digits and single hyphens").optional()),
  SMTP_HOST: optionalText.pipe(z.string().regex(/^[A-Za-z0-9.-]+$|^\[[0-9a-f:]+\]$/i, "must be a host name or address").optional()),
  SMTP_PORT: integer(587, 1, 65535),
  SMTP_TLS: optionalText.pipe(z.enum(["none", "starttls", "tls"], "must be none, starttls or tls").optional()),
  SMTP_USER: optionalText,
  SMTP_PASSWORD_SETTING: optionalText.pipe(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of the app setting that holds the SMTP password").optional()),
  SMTP_FROM: optionalText.pipe(z.email("must be an email address").optional()),
  SCHEDULE_CRON: ncrontab(registrationDefaults.schedules.schedule),
  NOTIFY_CRON: ncrontab(registrationDefaults.schedules.notify),
  RETENTION_CRON: ncrontab(registrationDefaults.schedules.retention),
  SHARD_SIZE: integer(500, 10, 10_000),
  STATUS_CACHE_SECONDS: integer(10, 0, 300),
  CHECKS_RETENTION_DAYS: integer(7, 1, 365),
  HISTORY_RETENTION_DAYS: integer(30, 1, 3650),
  DNS_SERVERS: optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v) => (v === undefined ? [] : v.split(",").map((s) => s.trim()).filter((s) => s !== "")))
      .pipe(z.array(z.string().regex(dnsServer, "must list ip[:port] entries separated by commas"))),
  ),
  TRUSTED_CA_FILE: optionalText,
  PROFILE_FILES: optionalText.transform((value, ctx) => {
    const files = value === undefined ? [] : value.split(/[;,]/).map((s) => s.trim()).filter(Boolean);
    for (const problem of profileFileProblems(files)) ctx.addIssue({ code: "custom", message: problem.message });
    return files;
  }),
  LOG_LEVEL: optionalText.pipe(
    z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(logLevels, `must be one of ${logLevels.join(", ")}`))
      .optional()
      .transform((v): LogLevel => v ?? "info"),
  ),
  STATUS_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  ...dataverseEnvShape,
});

/** One app setting the app reads, for the deployment template's test and the operator's guide. */
export interface SettingInfo {
  readonly name: string;
  /** "one-of-storage": the app needs this or another "one-of-storage" setting (locally the emulator stands in). */
  readonly need: "required" | "one-of-storage" | "optional";
  readonly default?: string;
  /** Read by the local host (`npm start`) only, never by the app on the Functions host. */
  readonly localOnly: boolean;
}

// Defaults applied after validation rather than by the schema itself.
const defaultsOutsideSchema: Record<string, string> = { PROBE_QUEUE: registrationDefaults.probeQueue };
const storageChoices = new Set(["AzureWebJobsStorage", "AzureWebJobsStorage__accountName"]);
const localOnlySettings: readonly SettingInfo[] = [
  { name: "LOCAL_HTTP_PORT", need: "optional", default: "7071", localOnly: true },
  { name: "LOCAL_FUNCTION_KEY", need: "optional", localOnly: true },
  { name: "LOCAL_ADMIN_KEY", need: "optional", localOnly: true },
  { name: "DEMO_MAIL_DIR", need: "optional", default: "demo-mail", localOnly: true },
];

/** Every setting name: the schema's keys (so the list cannot drift from what is validated), then the local host's own. */
export const settingsCatalogue: readonly SettingInfo[] = [
  ...Object.entries(envSchema.shape).map(([name, field]): SettingInfo => {
    // A field that refuses "not set" is required; what it gives for "not set" is its default.
    const unset = (field as z.ZodType).safeParse(undefined);
    const value: unknown = unset.success ? unset.data : undefined;
    const fallback = Array.isArray(value) || value === undefined ? defaultsOutsideSchema[name] : String(value);
    const need = !unset.success ? "required" : storageChoices.has(name) ? "one-of-storage" : "optional";
    return fallback === undefined ? { name, need, localOnly: false } : { name, need, default: fallback, localOnly: false };
  }),
  ...localOnlySettings,
];

/** Reads and validates every setting at once; throws a SettingsError naming every wrong setting. */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new SettingsError(formatIssues(parsed.error.issues));
  const e = parsed.data;
  const problems: FieldProblem[] = [];

  const storage = storageTarget(e);
  if (e.SMTP_HOST !== undefined && e.SMTP_FROM === undefined) {
    problems.push({ field: "SMTP_FROM", message: "is required when SMTP_HOST is set" });
  }
  if (e.SMTP_USER !== undefined && e.SMTP_PASSWORD_SETTING === undefined) {
    problems.push({ field: "SMTP_PASSWORD_SETTING", message: "is required when SMTP_USER is set" });
  }
  if (e.SMTP_PASSWORD_SETTING !== undefined && !env[e.SMTP_PASSWORD_SETTING]) {
    problems.push({ field: "SMTP_PASSWORD_SETTING", message: "names an app setting that is not set (it must hold the SMTP password)" });
  }
  if (e.SMTP_USER !== undefined && e.SMTP_TLS === "none") {
    problems.push({ field: "SMTP_TLS", message: "must be starttls or tls when SMTP_USER is set: the SMTP password is never sent in clear" });
  }
  problems.push(...dataverseProblems(e, env));
  if (problems.length > 0) throw new SettingsError(problems);

  const settings: Settings = {
    storage,
    tablePrefix: e.TABLE_PREFIX ?? "",
    probeQueue: e.PROBE_QUEUE ?? registrationDefaults.probeQueue,
    schedules: { schedule: e.SCHEDULE_CRON, notify: e.NOTIFY_CRON, retention: e.RETENTION_CRON, dataverseSync: e.DATAVERSE_SYNC_CRON },
    shardSize: e.SHARD_SIZE,
    statusCacheSeconds: e.STATUS_CACHE_SECONDS,
    checksRetentionDays: e.CHECKS_RETENTION_DAYS,
    historyRetentionDays: e.HISTORY_RETENTION_DAYS,
    dnsServers: e.DNS_SERVERS,
    profileFiles: e.PROFILE_FILES,
    logLevel: e.LOG_LEVEL,
  };
  if (e.TRUSTED_CA_FILE !== undefined) settings.trustedCaFile = e.TRUSTED_CA_FILE;
  if (e.STATUS_BASE_URL !== undefined) settings.statusBaseUrl = e.STATUS_BASE_URL.replace(/\/+$/, "");
  const dataverse = dataverseSettings(e);
  if (dataverse !== undefined) settings.dataverse = dataverse;
  if (e.SMTP_HOST !== undefined && e.SMTP_FROM !== undefined) {
    const smtp: SmtpSettings = {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      tls: e.SMTP_TLS ?? (e.SMTP_PORT === 465 ? "tls" : "starttls"),
      from: e.SMTP_FROM,
    };
    if (e.SMTP_USER !== undefined) smtp.user = e.SMTP_USER;
    if (e.SMTP_PASSWORD_SETTING !== undefined) smtp.passwordSetting = e.SMTP_PASSWORD_SETTING;
    settings.smtp = smtp;
  }
  return settings;
}

function storageTarget(e: z.output<typeof envSchema>): StorageTarget {
  if (e.AzureWebJobsStorage !== undefined) return { kind: "connection-string", connectionString: e.AzureWebJobsStorage };
  if (e.AzureWebJobsStorage__accountName !== undefined) {
    const account = e.AzureWebJobsStorage__accountName;
    const target: StorageTarget = {
      kind: "managed-identity",
      accountName: account,
      tableUrl: e.AzureWebJobsStorage__tableServiceUri ?? `https://${account}.table.core.windows.net`,
      queueUrl: e.AzureWebJobsStorage__queueServiceUri ?? `https://${account}.queue.core.windows.net`,
    };
    if (e.AzureWebJobsStorage__clientId !== undefined) target.clientId = e.AzureWebJobsStorage__clientId;
    return target;
  }
  return { kind: "not-configured" };
}
