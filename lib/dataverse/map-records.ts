import { z } from "zod";
import { clip } from "../diagnosis/text.js";
import { parseProfile, type MailboxConfig, type Profile, type ProfileInput } from "../config/profile.js";
import { mapEntryFor, type DataverseMap, type MapEntry } from "./map-file.js";
import { serverTypeOf, type ServerType } from "./server-type.js";
import type { DataverseSource, ProfileLastTest } from "../model/dynamics.js";
import type { AppRef } from "../model/readiness.js";
import { dynamicsVerdictOf, lastTestOf, type DynamicsMailboxVerdict } from "./verdict.js";
import type { MailboxRecordWire, ProfileRecord, TraceLogRecord } from "./wire.js";

export type { DataverseSource, ProfileLastTest } from "../model/dynamics.js";

export interface MailboxAlert {
  at: string;
  level: "error" | "warning" | "information";
  code: number | null;
  text: string;
}

export interface ImportedMailbox {
  mailboxId: string;
  config: MailboxConfig;
  dynamics: DynamicsMailboxVerdict;
  /** The newest error trace logs Dynamics shows on the mailbox (read for failing mailboxes only). */
  alerts: MailboxAlert[];
}

/** What the profile would authenticate with, as far as Dataverse and the map file tell, without a secret setting. */
export type PendingAuth = { kind: "basic" | "ntlm"; username?: string } | { kind: "oauth"; tenantId?: string; clientId?: string };

interface ImportedBase {
  source: DataverseSource;
  lastTest: ProfileLastTest;
  mailboxes: ImportedMailbox[];
}

/**
 * A monitor profile made from a Dataverse profile. "mapped": a complete, validated profile the probe can use.
 * "missing": the map file gives no usable credentials: imported and shown as "needs credentials", never probed;
 * `needs` says what the map file must add.
 */
export type ImportedProfile =
  | (ImportedBase & { credentials: "mapped"; profile: Profile })
  | (ImportedBase & { credentials: "missing"; profile: Omit<Profile, "auth"> & { auth: PendingAuth }; needs: string });

export interface Skipped {
  /** emailserverprofileid or mailboxid. */
  id: string;
  reason: string;
}

export interface MapInput {
  environment: string;
  profiles: readonly ProfileRecord[];
  /** Active mailboxes by emailserverprofileid (lower case). */
  mailboxes: ReadonlyMap<string, readonly MailboxRecordWire[]>;
  /** Owner's primary email address by systemuserid (lower case); null when the owner is no user or has none. */
  owners: ReadonlyMap<string, string | null>;
  tracelogs: readonly TraceLogRecord[];
  map: DataverseMap;
  /** Trace logs kept per mailbox, newest first. */
  alertsPerMailbox?: number;
}

export interface MapOutput {
  profiles: ImportedProfile[];
  skipped: Skipped[];
}

const emailRule = z.email();
const placeholderSetting = "DATAVERSE_CREDENTIALS_MISSING";
const noGuid = "00000000-0000-0000-0000-000000000000";

/** The monitor's id of a Dataverse profile: stable across renames. */
export function monitorProfileId(emailserverprofileid: string): string {
  return `dv-${emailserverprofileid.toLowerCase()}`;
}

type AuthPlan = { ok: true; auth: ProfileInput["auth"] } | { ok: false; pending: PendingAuth; needs: string };

type AuthKind = "basic" | "ntlm" | "oauth";

const protocolKinds: Record<number, AuthKind> = { 1: "ntlm", 2: "ntlm", 3: "basic", 4: "oauth" };
const protocolNames: Record<number, string> = { 0: "Auto Detect", 1: "Negotiate", 2: "NTLM", 3: "Basic", 4: "OAuth" };

function authKindOf(record: ProfileRecord, serverType: ServerType, entry: MapEntry | undefined): AuthKind {
  if (serverType === "exchange-online") return "oauth";
  const fromDataverse = record.incomingauthenticationprotocol === null ? undefined : protocolKinds[record.incomingauthenticationprotocol];
  if (fromDataverse !== undefined) return fromDataverse;
  if (entry?.auth !== undefined) return entry.auth;
  if (entry?.clientSecretSetting !== undefined || entry?.certificatePathSetting !== undefined) return "oauth";
  return serverType === "exchange-online-hybrid" && entry?.passwordSetting === undefined ? "oauth" : "basic";
}

function authOf(record: ProfileRecord, kind: AuthKind, entry: MapEntry | undefined): AuthPlan {
  const protocol = protocolNames[record.incomingauthenticationprotocol ?? 0] ?? String(record.incomingauthenticationprotocol);
  const why = `the profile authenticates with ${kind === "oauth" ? "OAuth (app credentials)" : kind === "ntlm" ? "Windows (NTLM)" : "Basic"} (Dataverse: ${protocol})`;
  if (kind === "oauth") {
    // The map file's tenantId / clientId name the monitor's own app; without them it signs in as synchronization's.
    const tenantId = entry?.tenantId ?? record.exchangeonlinetenantid;
    const clientId = entry?.clientId ?? record.oauthclientid;
    const pending: PendingAuth = { kind: "oauth", ...(tenantId ? { tenantId } : {}), ...(clientId ? { clientId } : {}) };
    const secret = entry?.clientSecretSetting !== undefined ? { clientSecretSetting: entry.clientSecretSetting } : entry?.certificatePathSetting !== undefined ? { certificatePathSetting: entry.certificatePathSetting } : undefined;
    const needs: string[] = [];
    if (secret === undefined) needs.push("clientSecretSetting or certificatePathSetting");
    if (!tenantId) needs.push("tenantId (Dataverse has no exchangeonlinetenantid)");
    if (!clientId) needs.push("clientId (Dataverse has no oauthclientid)");
    if (secret === undefined || !tenantId || !clientId) return { ok: false, pending, needs: `${why}: the map file must give ${needs.join(", ")}` };
    return { ok: true, auth: { kind: "oauth", tenantId, clientId, ...secret, ...(entry?.cloud ? { cloud: entry.cloud } : {}) } };
  }
  const pending: PendingAuth = entry?.username ? { kind, username: entry.username } : { kind };
  if (entry?.passwordSetting === undefined || entry.username === undefined) {
    return { ok: false, pending, needs: `${why}: the map file must give username and passwordSetting` };
  }
  return { ok: true, auth: { kind, username: entry.username, passwordSetting: entry.passwordSetting } };
}

/**
 * The app registration server-side synchronization signs in as, as the email server profile names it
 * (exchangeonlinetenantid, oauthclientid; both validated as GUIDs when read): for profiles with app credentials on
 * Exchange Online or hybrid, where readiness is checked; unknown when Dataverse lacks either.
 */
export function syncAppOf(record: Pick<ProfileRecord, "exchangeonlinetenantid" | "oauthclientid">, serverType: ServerType, authKind: AuthKind): AppRef | undefined {
  if (serverType === "exchange-server" || authKind !== "oauth") return undefined;
  if (record.exchangeonlinetenantid === null || record.oauthclientid === null) return undefined;
  return { tenantId: record.exchangeonlinetenantid, clientId: record.oauthclientid };
}

export function placeholderAuth(pending: PendingAuth): ProfileInput["auth"] {
  return pending.kind === "oauth"
    ? { kind: "oauth", tenantId: noGuid, clientId: noGuid, clientSecretSetting: placeholderSetting }
    : { kind: pending.kind, username: "credentials@missing.invalid", passwordSetting: placeholderSetting };
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

const alertLevel = (level: number): MailboxAlert["level"] => (level === 3 ? "error" : level === 2 ? "warning" : "information");

function alertsByMailbox(tracelogs: readonly TraceLogRecord[], keep: number): Map<string, MailboxAlert[]> {
  const byMailbox = new Map<string, MailboxAlert[]>();
  const newestFirst = [...tracelogs].sort((a, b) => Date.parse(b.createdon) - Date.parse(a.createdon));
  for (const t of newestFirst) {
    if (t._regardingobjectid_value === null) continue;
    const key = t._regardingobjectid_value.toLowerCase();
    const list = byMailbox.get(key) ?? [];
    // Clipped: a trace log may hold a whole stack trace, and the row that keeps the alerts has 32K characters per column.
    if (list.length < keep) list.push({ at: t.createdon, level: alertLevel(t.level), code: t.tracecode, text: clip(t.text ?? "", 1000) });
    byMailbox.set(key, list);
  }
  return byMailbox;
}

function mapMailboxes(profileName: string, records: readonly MailboxRecordWire[], alerts: Map<string, MailboxAlert[]>, onlineApproval: boolean, skipped: Skipped[]): ImportedMailbox[] {
  const seen = new Map<string, string>();
  const out: ImportedMailbox[] = [];
  for (const m of records) {
    const skip = (reason: string) => skipped.push({ id: m.mailboxid, reason: `mailbox of profile "${profileName}": ${reason}` });
    const address = m.emailaddress?.trim().toLowerCase() ?? "";
    if (address === "") {
      skip("missing fields: emailaddress");
      continue;
    }
    if (!emailRule.safeParse(address).success) {
      skip(`invalid email address "${m.emailaddress}"`);
      continue;
    }
    const dynamics = dynamicsVerdictOf(m);
    const wanted = dynamics.deliveredBySync;
    if (!wanted.incoming && !wanted.outgoing && !wanted.appointmentsContactsTasks) {
      skip(`${address}: no channel uses server-side synchronization (incoming, outgoing and appointments/contacts/tasks are delivered otherwise)`);
      continue;
    }
    const first = seen.get(address);
    if (first !== undefined) {
      skip(`duplicate address ${address} (also mailbox ${first})`);
      continue;
    }
    seen.set(address, m.mailboxid);
    const approved = m.emailrouteraccessapproval === 1 && (!onlineApproval || m.isemailaddressapprovedbyo365admin === true);
    out.push({
      mailboxId: m.mailboxid,
      config: { address, approved, incoming: wanted.incoming, outgoing: wanted.outgoing, appointmentsContactsTasks: wanted.appointmentsContactsTasks },
      dynamics,
      alerts: alerts.get(m.mailboxid.toLowerCase()) ?? [],
    });
  }
  return out;
}

function ownerOf(record: ProfileRecord, owners: MapInput["owners"], entry: MapEntry | undefined): { ok: true; owner: string } | { ok: false; reason: string } {
  if (entry?.owner !== undefined) return { ok: true, owner: entry.owner };
  if (record._ownerid_value === null) return { ok: false, reason: "missing fields: _ownerid_value (give \"owner\" in the map file)" };
  const address = owners.get(record._ownerid_value.toLowerCase());
  if (address === undefined || address === null) {
    return { ok: false, reason: `the owner ${record._ownerid_value} is not a user with a primary email address (a team?); give "owner" in the map file` };
  }
  if (!emailRule.safeParse(address).success) return { ok: false, reason: `the owner's email address "${address}" is not valid; give "owner" in the map file` };
  return { ok: true, owner: address.toLowerCase() };
}

/**
 * Dataverse profiles, mailboxes and owners plus the map file → the monitor's profiles, and every record left out
 * with its reason. Pure: what was read goes in, nothing is fetched.
 */
export function mapRecords(input: MapInput): MapOutput {
  const skipped: Skipped[] = [];
  const profiles: ImportedProfile[] = [];
  const alerts = alertsByMailbox(input.tracelogs, input.alertsPerMailbox ?? 5);
  for (const record of input.profiles) {
    const id = record.emailserverprofileid;
    const skip = (reason: string) => skipped.push({ id, reason: `profile "${record.name ?? id}": ${reason}` });
    const type = serverTypeOf(record);
    if (!type.ok) {
      skip(type.reason);
      continue;
    }
    const unread = input.mailboxes.get(id.toLowerCase())?.length ?? 0;
    const notImported = unread === 0 ? "" : ` (${unread} mailbox${unread === 1 ? "" : "es"} not imported)`;
    if (record.name === null || record.name.trim() === "") {
      skip(`missing fields: name${notImported}`);
      continue;
    }
    const entry = mapEntryFor(input.map, record);
    const owner = ownerOf(record, input.owners, entry);
    if (!owner.ok) {
      skip(`${owner.reason}${notImported}`);
      continue;
    }
    const serverType = type.serverType;
    const mailboxes = mapMailboxes(record.name, input.mailboxes.get(id.toLowerCase()) ?? [], alerts, serverType !== "exchange-server", skipped);
    const authKind = authKindOf(record, serverType, entry);
    const auth = authOf(record, authKind, entry);
    const autodiscover = record.useautodiscover ?? true;
    const draft: ProfileInput = {
      id: entry?.monitorId ?? monitorProfileId(id),
      name: record.name.trim(),
      serverType,
      owner: owner.owner,
      autodiscover,
      incomingUrl: autodiscover ? null : record.incomingserverlocation,
      outgoingUrl: autodiscover ? null : (record.outgoingserverlocation ?? record.incomingserverlocation),
      auth: auth.ok ? auth.auth : placeholderAuth(auth.pending),
      maxConcurrentConnections: record.maxconcurrentconnections === null ? 10 : clamp(record.maxconcurrentconnections, 1, 100),
      notifyOwner: record.sendemailalert ?? true,
      trustedDomains: entry?.trustedDomains ?? [],
      mailboxes: mailboxes.map((m) => m.config),
    };
    if (record.minpollingintervalinminutes !== null && record.minpollingintervalinminutes > 0) draft.pollingIntervalMinutes = clamp(record.minpollingintervalinminutes, 1, 1440);
    const syncApp = syncAppOf(record, serverType, authKind);
    if (syncApp !== undefined) draft.syncApp = syncApp;
    // The placeholder auth of a profile without credentials is valid, so every problem named here is a real one.
    const parsed = parseProfile(draft);
    if (!parsed.ok) {
      skip(`the profile is not valid for the monitor: ${parsed.problems.map((p) => `${p.field} ${p.message}`).join("; ")}${notImported}`);
      continue;
    }
    const base: ImportedBase = {
      source: { kind: "dataverse", environment: input.environment, id, name: record.name.trim(), servertype: record.servertype ?? -1 },
      lastTest: { status: lastTestOf(record.lasttestexecutionstatus), startedAt: record.lastteststarttime, response: record.lasttestresponse === null ? null : clip(record.lasttestresponse, 2000) },
      mailboxes,
    };
    if (auth.ok) {
      profiles.push({ ...base, credentials: "mapped", profile: parsed.profile });
    } else {
      const { auth: _placeholder, ...rest } = parsed.profile;
      profiles.push({ ...base, credentials: "missing", profile: { ...rest, auth: auth.pending }, needs: auth.needs });
    }
  }
  return { profiles, skipped };
}
