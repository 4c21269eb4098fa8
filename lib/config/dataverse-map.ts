import { z } from "zod";
import { formatIssues, type FieldProblem } from "./issues.js";
import { parseJsonText } from "./json-text.js";
import { oauthClouds, profileSchema } from "./profile.js";

/**
 * DATAVERSE_MAP_FILE: what Dataverse cannot tell about a profile — the app setting that holds its secret (and the
 * user name where Dataverse has none), the owner when the profile's owner has no address, and further trusted
 * domains. `tenantId` / `clientId` name the app the monitor signs in as when it is not synchronization's own
 * (Dataverse's exchangeonlinetenantid / oauthclientid), or where Dataverse has none. Entries are matched by profile
 * id (emailserverprofileid) or name.
 *
 * { "profiles": [
 *     { "id": "<guid>", "username": "svc-crm@contoso.com", "passwordSetting": "CONTOSO_EWS_PASSWORD" },
 *     { "name": "Tailspin Toys Exchange Online", "clientSecretSetting": "TAILSPIN_CLIENT_SECRET" } ] }
 */

const settingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/, "must be the name of an app setting (letters, digits, _ . : -), not a secret value");
const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "must be a DNS domain such as contoso.com");

const entry = z
  .strictObject({
    id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be the emailserverprofileid (a GUID)").optional(),
    name: z.string().trim().min(1, "must not be empty").max(200).optional(),
    /** The profile's id in the monitor (URLs, the status, the CLI); dv-<emailserverprofileid> when left out. */
    monitorId: profileSchema.shape.id.optional(),
    /** Only for a profile whose authentication Dataverse leaves to Auto Detect. */
    auth: z.enum(["basic", "ntlm", "oauth"], "must be basic, ntlm or oauth").optional(),
    username: z.email("must be a user principal name (UPN) such as svc-crm@contoso.com").optional(),
    passwordSetting: settingName.optional(),
    /** The monitor's own app registration, when it does not sign in as synchronization's (Dataverse's). */
    tenantId: z.string().regex(/^([0-9a-f-]{36}|[a-z0-9.-]+\.[a-z]{2,})$/i, "must be a tenant GUID or a verified domain").optional(),
    clientId: z.uuid("must be the application (client) id, a GUID").optional(),
    clientSecretSetting: settingName.optional(),
    certificatePathSetting: settingName.optional(),
    cloud: z.enum(oauthClouds).optional(),
    owner: z.email("must be an email address").optional(),
    trustedDomains: z.array(domainName).max(50).optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.id === undefined) === (e.name === undefined)) ctx.addIssue({ code: "custom", path: ["id"], message: "give exactly one of id or name" });
    const secrets = [e.passwordSetting, e.clientSecretSetting, e.certificatePathSetting].filter((v) => v !== undefined).length;
    if (secrets > 1) ctx.addIssue({ code: "custom", path: ["passwordSetting"], message: "name one of passwordSetting, clientSecretSetting or certificatePathSetting" });
    if (e.passwordSetting !== undefined && e.username === undefined) ctx.addIssue({ code: "custom", path: ["username"], message: "is required with passwordSetting" });
    if (e.passwordSetting === undefined && e.username !== undefined && secrets > 0) ctx.addIssue({ code: "custom", path: ["username"], message: "goes with passwordSetting (Basic or NTLM)" });
    if (e.auth === "oauth" && e.passwordSetting !== undefined) ctx.addIssue({ code: "custom", path: ["auth"], message: "oauth needs clientSecretSetting or certificatePathSetting, not passwordSetting" });
    if ((e.auth === "basic" || e.auth === "ntlm") && (e.clientSecretSetting !== undefined || e.certificatePathSetting !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["auth"], message: `${e.auth} needs passwordSetting` });
    }
  });

const mapFileSchema = z.strictObject({ profiles: z.array(entry).max(10_000) }).superRefine((file, ctx) => {
  const seen = new Map<string, number>();
  file.profiles.forEach((e, index) => {
    const key = e.id !== undefined ? `id:${e.id.toLowerCase()}` : `name:${(e.name ?? "").toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: ["profiles", index, e.id !== undefined ? "id" : "name"], message: `repeats profiles[${first}]` });
    else seen.set(key, index);
    if (e.monitorId !== undefined) {
      const same = seen.get(`monitor:${e.monitorId}`);
      if (same !== undefined) ctx.addIssue({ code: "custom", path: ["profiles", index, "monitorId"], message: `is also the monitorId of profiles[${same}]` });
      else seen.set(`monitor:${e.monitorId}`, index);
    }
  });
});

export type MapEntry = z.output<typeof entry>;

/** The map file, with lookups by Dataverse id and by name (case-insensitive). */
export interface DataverseMap {
  entries: MapEntry[];
  byId: ReadonlyMap<string, MapEntry>;
  byName: ReadonlyMap<string, MapEntry>;
}

export type MapFileParse = { ok: true; map: DataverseMap } | { ok: false; problems: FieldProblem[] };

export const emptyMap: DataverseMap = { entries: [], byId: new Map(), byName: new Map() };

function toMap(entries: MapEntry[]): DataverseMap {
  const byId = new Map<string, MapEntry>();
  const byName = new Map<string, MapEntry>();
  for (const e of entries) {
    if (e.id !== undefined) byId.set(e.id.toLowerCase(), e);
    if (e.name !== undefined) byName.set(e.name.toLowerCase(), e);
  }
  return { entries, byId, byName };
}

/** Validates the map file's text; invalid JSON is named by line and column, every wrong field by its path. */
export function parseMapFile(text: string): MapFileParse {
  const json = parseJsonText(text);
  if (!json.ok) return { ok: false, problems: [{ field: "(document)", message: json.message }] };
  const parsed = mapFileSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, problems: formatIssues(parsed.error.issues, json.value) };
  return { ok: true, map: toMap(parsed.data.profiles) };
}

/** The entry for a Dataverse profile: by its id first, else by its name. */
export function mapEntryFor(map: DataverseMap, profile: { emailserverprofileid: string; name: string | null }): MapEntry | undefined {
  return map.byId.get(profile.emailserverprofileid.toLowerCase()) ?? (profile.name === null ? undefined : map.byName.get(profile.name.trim().toLowerCase()));
}
