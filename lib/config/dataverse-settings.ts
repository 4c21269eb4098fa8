import { z } from "zod";
import { checkNcrontab } from "./cron.js";
import type { FieldProblem } from "./issues.js";
import { registrationDefaults } from "./registration.js";
import { parseMapFile } from "./dataverse-map.js";
import { readFileSync } from "node:fs";

/** Hourly, on the hour (six-field NCRONTAB, UTC). */
export const dataverseSyncCronDefault = registrationDefaults.schedules.dataverseSync;

/** How the monitor signs in to Dataverse: an app secret or certificate named by setting, or the app's managed identity. */
export type DataverseCredentialSettings =
  | { kind: "client-secret"; tenantId: string; clientId: string; secretSetting: string }
  | { kind: "certificate"; tenantId: string; clientId: string; certificatePathSetting: string }
  | { kind: "managed-identity"; clientId?: string };

export interface DataverseSettings {
  /** The environment URL, origin only: https://ORG.crm.dynamics.com. */
  url: string;
  credentials: DataverseCredentialSettings;
  /** Microsoft Entra authority (sovereign clouds use another one). */
  authorityHost: string;
  syncCron: string;
  mapFile?: string;
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const settingName = optionalText.pipe(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/, "must be the name of the app setting that holds the value, not the value itself").optional(),
);

const httpsOrigin = (example: string) =>
  optionalText.pipe(
    z
      .string()
      .superRefine((value, ctx) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          ctx.addIssue({ code: "custom", message: `must be an https URL such as ${example}` });
          return;
        }
        if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "must use https" });
        if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
          ctx.addIssue({ code: "custom", message: `must be the bare URL, without path, query or credentials, such as ${example}` });
        }
      })
      .transform((value) => new URL(value).origin)
      .optional(),
  );

/** The DATAVERSE_* block of the app settings schema. */
export const dataverseEnvShape = {
  DATAVERSE_URL: httpsOrigin("https://contoso.crm.dynamics.com"),
  DATAVERSE_TENANT_ID: optionalText.pipe(z.string().regex(/^([0-9a-f-]{36}|[a-z0-9.-]+\.[a-z]{2,})$/i, "must be a tenant GUID or a verified domain").optional()),
  DATAVERSE_CLIENT_ID: optionalText.pipe(z.uuid("must be the application (client) id, a GUID").optional()),
  DATAVERSE_CLIENT_SECRET_SETTING: settingName,
  DATAVERSE_CERTIFICATE_PATH_SETTING: settingName,
  DATAVERSE_AUTHORITY_HOST: httpsOrigin("https://login.microsoftonline.us"),
  DATAVERSE_SYNC_CRON: optionalText.transform((v, ctx) => {
    const value = v ?? dataverseSyncCronDefault;
    const check = checkNcrontab(value);
    if (!check.ok) ctx.addIssue({ code: "custom", message: `must be an NCRONTAB expression: ${check.reason}` });
    return value;
  }),
  DATAVERSE_MAP_FILE: optionalText,
};

type DataverseEnv = z.output<z.ZodObject<typeof dataverseEnvShape>>;

/** The cross-field rules; every wrong setting is named. */
export function dataverseProblems(e: DataverseEnv, env: Record<string, string | undefined>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const others = (["DATAVERSE_TENANT_ID", "DATAVERSE_CLIENT_ID", "DATAVERSE_CLIENT_SECRET_SETTING", "DATAVERSE_CERTIFICATE_PATH_SETTING", "DATAVERSE_MAP_FILE"] as const).filter(
    (name) => e[name] !== undefined,
  );
  if (e.DATAVERSE_URL === undefined) {
    for (const name of others) problems.push({ field: name, message: "is set but DATAVERSE_URL is not: name the Dataverse environment to read" });
    return problems;
  }
  if (e.DATAVERSE_CLIENT_SECRET_SETTING !== undefined && e.DATAVERSE_CERTIFICATE_PATH_SETTING !== undefined) {
    problems.push({ field: "DATAVERSE_CERTIFICATE_PATH_SETTING", message: "name either DATAVERSE_CLIENT_SECRET_SETTING or DATAVERSE_CERTIFICATE_PATH_SETTING, not both" });
  }
  const appCredential = e.DATAVERSE_CLIENT_SECRET_SETTING ?? e.DATAVERSE_CERTIFICATE_PATH_SETTING;
  if (appCredential !== undefined) {
    if (e.DATAVERSE_TENANT_ID === undefined) problems.push({ field: "DATAVERSE_TENANT_ID", message: "is required with an app secret or certificate" });
    if (e.DATAVERSE_CLIENT_ID === undefined) problems.push({ field: "DATAVERSE_CLIENT_ID", message: "is required with an app secret or certificate" });
  }
  for (const name of ["DATAVERSE_CLIENT_SECRET_SETTING", "DATAVERSE_CERTIFICATE_PATH_SETTING"] as const) {
    const named = e[name];
    if (named !== undefined && !env[named]?.trim()) problems.push({ field: name, message: `names the app setting ${named}, which is not set` });
  }
  if (e.DATAVERSE_MAP_FILE !== undefined) problems.push(...mapFileProblems(e.DATAVERSE_MAP_FILE));
  return problems;
}

/** The map file is checked at start like every other setting (each sync reads it again, so an edit needs no restart). */
function mapFileProblems(path: string): FieldProblem[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return [{ field: "DATAVERSE_MAP_FILE", message: `cannot read ${path} (${(error as { code?: string }).code ?? "unreadable"})` }];
  }
  const parsed = parseMapFile(text);
  return parsed.ok ? [] : parsed.problems.map((p) => ({ field: `DATAVERSE_MAP_FILE ${p.field}`, message: p.message }));
}

export function dataverseSettings(e: DataverseEnv): DataverseSettings | undefined {
  if (e.DATAVERSE_URL === undefined) return undefined;
  let credentials: DataverseCredentialSettings;
  if (e.DATAVERSE_CLIENT_SECRET_SETTING !== undefined) {
    credentials = { kind: "client-secret", tenantId: e.DATAVERSE_TENANT_ID ?? "", clientId: e.DATAVERSE_CLIENT_ID ?? "", secretSetting: e.DATAVERSE_CLIENT_SECRET_SETTING };
  } else if (e.DATAVERSE_CERTIFICATE_PATH_SETTING !== undefined) {
    credentials = { kind: "certificate", tenantId: e.DATAVERSE_TENANT_ID ?? "", clientId: e.DATAVERSE_CLIENT_ID ?? "", certificatePathSetting: e.DATAVERSE_CERTIFICATE_PATH_SETTING };
  } else {
    credentials = e.DATAVERSE_CLIENT_ID === undefined ? { kind: "managed-identity" } : { kind: "managed-identity", clientId: e.DATAVERSE_CLIENT_ID };
  }
  const settings: DataverseSettings = {
    url: e.DATAVERSE_URL,
    credentials,
    authorityHost: e.DATAVERSE_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
    syncCron: e.DATAVERSE_SYNC_CRON,
  };
  if (e.DATAVERSE_MAP_FILE !== undefined) settings.mapFile = e.DATAVERSE_MAP_FILE;
  return settings;
}
