import { z } from "zod";
import { maintenanceSchema } from "../maintenance/window.js";
import { formatIssues, type FieldProblem } from "./issues.js";
import { mayUseEws } from "./probe-api.js";

/** A setting name: the profile names the app setting that holds a secret, never the secret itself. */
const settingName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/, "must be the name of an app setting (letters, digits, _ . : -), not a secret value");

const domainName = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, "must be a DNS domain such as contoso.com");

/** UPN only: CRM server-side sync refuses DOMAIN\user names. */
const userPrincipalName = z.string().superRefine((value, ctx) => {
  if (value.includes("\\")) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is a DOMAIN\\user name; server-side synchronization needs the user principal name (UPN), such as svc-crm@contoso.com`,
    });
  } else if (!z.email().safeParse(value).success) {
    ctx.addIssue({ code: "custom", message: "must be a user principal name (UPN) such as svc-crm@contoso.com" });
  }
});

const httpsUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an absolute URL such as https://mail.contoso.com/EWS/Exchange.asmx" });
    return;
  }
  if (url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "must use https: credentials are never sent over plain http" });
  if (url.username || url.password) ctx.addIssue({ code: "custom", message: "must not carry a user name or password" });
});

const basicAuth = z.strictObject({
  kind: z.literal("basic"),
  username: userPrincipalName,
  passwordSetting: settingName,
});

const ntlmAuth = z.strictObject({
  kind: z.literal("ntlm"),
  username: userPrincipalName,
  passwordSetting: settingName,
});

export const oauthClouds = ["public", "usgov", "usgov-dod", "china"] as const;

const oauthAuth = z
  .strictObject({
    kind: z.literal("oauth"),
    tenantId: z.string().regex(/^([0-9a-f-]{36}|[a-z0-9.-]+\.[a-z]{2,})$/i, "must be a tenant GUID or a verified domain"),
    clientId: z.uuid("must be the application (client) id, a GUID"),
    clientSecretSetting: settingName.optional(),
    certificatePathSetting: settingName.optional(),
    cloud: z.enum(oauthClouds).default("public"),
    /** The mailbox-independent account used for Autodiscover; optional for Exchange Online. */
    username: userPrincipalName.optional(),
  })
  .superRefine((auth, ctx) => {
    const given = [auth.clientSecretSetting, auth.certificatePathSetting].filter((v) => v !== undefined).length;
    if (given !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["clientSecretSetting"],
        message: "name exactly one of clientSecretSetting or certificatePathSetting",
      });
    }
  });

/**
 * The app registration server-side synchronization itself signs in as (for administrators who know it; Dataverse
 * profiles take it from the email server profile's exchangeonlinetenantid and oauthclientid). Readiness speaks for
 * synchronization only when the monitor signs in as this same app. Any 8-4-4-4-12 GUID: Microsoft's own apps'
 * ids are not RFC 9562 UUIDs.
 */
export const syncAppSchema = z.strictObject({
  tenantId: z.guid("must be the tenant id that synchronization's app signs in to, a GUID"),
  clientId: z.guid("must be the application (client) id synchronization signs in as, a GUID"),
});

export const mailboxLocations = ["cloud", "on-premises"] as const;

const mailbox = z.strictObject({
  address: z.email("must be an email address"),
  approved: z.boolean().default(false),
  incoming: z.boolean().default(true),
  outgoing: z.boolean().default(true),
  appointmentsContactsTasks: z.boolean().default(true),
  /** Hybrid profiles: where the mailbox lives, so it is probed through Graph (cloud) or EWS (on-premises). */
  location: z.enum(mailboxLocations).optional(),
});

/** How mailboxes are probed: EWS, Microsoft Graph, or `auto` (Graph for Exchange Online, EWS for Exchange Server, per mailbox for hybrid). */
export const probeApis = ["ews", "graph", "auto"] as const;

export const serverTypes = ["exchange-server", "exchange-online", "exchange-online-hybrid"] as const;

export const profileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 lower-case letters, digits or hyphens, starting with a letter or digit"),
    name: z.string().min(1).max(200),
    serverType: z.enum(serverTypes),
    owner: z.email("must be an email address: the profile owner receives the alert emails"),
    autodiscover: z.boolean().default(true),
    incomingUrl: httpsUrl.nullable().default(null),
    outgoingUrl: httpsUrl.nullable().default(null),
    auth: z.discriminatedUnion("kind", [basicAuth, ntlmAuth, oauthAuth]),
    /** Absent means "auto" (kept optional so profiles stored before this field read as they were). */
    api: z.enum(probeApis).optional(),
    maxConcurrentConnections: z.number().int().min(1).max(100).default(10),
    pollingIntervalMinutes: z.number().int().min(1).max(1440).default(5),
    notifyOwner: z.boolean().default(true),
    trustedDomains: z.array(domainName).max(50).default([]),
    mailboxes: z.array(mailbox).max(100_000).default([]),
    /** Planned work: probes still run and are recorded, but no email is sent and the hours do not count. */
    maintenance: maintenanceSchema,
    /** The app registration synchronization uses, when known: readiness then says whether it speaks for it. */
    syncApp: syncAppSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    // A profile probed through Graph alone never asks EWS, so it needs no EWS URL.
    if (!profile.autodiscover && mayUseEws(profile)) {
      if (profile.incomingUrl === null)
        ctx.addIssue({ code: "custom", path: ["incomingUrl"], message: "is required when autodiscover is false" });
      if (profile.outgoingUrl === null)
        ctx.addIssue({ code: "custom", path: ["outgoingUrl"], message: "is required when autodiscover is false" });
    }
    if (profile.serverType === "exchange-online" && profile.auth.kind !== "oauth") {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "kind"],
        message: "Exchange Online needs Microsoft Entra app credentials (kind \"oauth\"); Basic and NTLM are retired there",
      });
    }
    if (profile.serverType === "exchange-server" && profile.auth.kind === "oauth") {
      ctx.addIssue({ code: "custom", path: ["auth", "kind"], message: "Exchange Server on-premises uses \"basic\" or \"ntlm\"" });
    }
    if (profile.api === "graph" && profile.serverType === "exchange-server") {
      ctx.addIssue({ code: "custom", path: ["api"], message: "Exchange Server on-premises has no Microsoft Graph; use \"ews\" or \"auto\"" });
    } else if (profile.api === "graph" && profile.auth.kind !== "oauth") {
      ctx.addIssue({ code: "custom", path: ["api"], message: "Microsoft Graph needs Microsoft Entra app credentials (auth kind \"oauth\")" });
    }
    if (profile.syncApp !== undefined && (profile.serverType === "exchange-server" || profile.auth.kind !== "oauth")) {
      ctx.addIssue({
        code: "custom",
        path: ["syncApp"],
        message: "applies to Exchange Online and hybrid profiles with app credentials (auth kind \"oauth\") only: readiness is checked for those alone",
      });
    }
    const seen = new Set<string>();
    profile.mailboxes.forEach((m, index) => {
      if (m.location !== undefined && profile.serverType !== "exchange-online-hybrid") {
        ctx.addIssue({ code: "custom", path: ["mailboxes", index, "location"], message: "applies to exchange-online-hybrid profiles only" });
      }
      const key = m.address.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["mailboxes", index, "address"], message: `duplicate mailbox ${m.address}` });
      seen.add(key);
    });
  });

export type Profile = z.output<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileAuth = Profile["auth"];
export type MailboxConfig = Profile["mailboxes"][number];

export type ProfileParse = { ok: true; profile: Profile } | { ok: false; problems: FieldProblem[] };

/** Validates a profile document; every wrong field is named. */
export function parseProfile(input: unknown): ProfileParse {
  const result = profileSchema.safeParse(input);
  if (result.success) {
    const profile = result.data;
    profile.mailboxes = profile.mailboxes.map((m) => ({ ...m, address: m.address.toLowerCase() }));
    return { ok: true, profile };
  }
  return { ok: false, problems: formatIssues(result.error.issues, input) };
}

/** The app settings a profile needs at probe time: the names only, never values. */
export function secretSettingsOf(auth: ProfileAuth): string[] {
  switch (auth.kind) {
    case "basic":
    case "ntlm":
      return [auth.passwordSetting];
    case "oauth":
      return [auth.clientSecretSetting, auth.certificatePathSetting].filter((s): s is string => s !== undefined);
  }
}
