import { headerValue, type HttpReply } from "../net/index.js";
import type { Outcome } from "../model/result.js";
import { ewsShutdownDate, type AppRef, type CheckedReadiness, type EwsReadinessState, type GraphPermissions, type Readiness, type SpeaksFor } from "../model/readiness.js";
import { ewsPolicyOf } from "../exchange/classify-http.js";
import { addToEwsAllowList, readEwsAllowList, readEwsUserAgentPolicy } from "../diagnosis/remediation.js";
import type { Redact } from "../diagnosis/redact.js";

/** The Graph application permissions server-side synchronization needs (product documentation, 2026). */
export const syncGraphPermissions = [
  "Mail.ReadWrite",
  "Mail.Send",
  "MailboxSettings.ReadWrite",
  "Calendars.ReadWrite",
  "Contacts.ReadWrite",
  "Tasks.ReadWrite.All",
  "MailboxConfigItem.ReadWrite",
] as const;

/** Sync's permissions in a cloud: where Microsoft To Do is not offered (21Vianet), tasks cannot sync, so Tasks.ReadWrite.All is not needed. */
export function syncPermissionsIn(cloud: { todo: boolean }): readonly string[] {
  return cloud.todo ? syncGraphPermissions : syncGraphPermissions.filter((p) => p !== "Tasks.ReadWrite.All");
}

/** What the token grants, and which of the permissions sync needs (`needed`, all of them by default) are not among it. */
export function graphPermissionsFrom(roles: readonly string[], needed: readonly string[] = syncGraphPermissions): GraphPermissions {
  const granted = [...new Set(roles)];
  const have = new Set(granted.map((r) => r.toLowerCase()));
  return { status: "checked", granted, missing: needed.filter((p) => !have.has(p.toLowerCase())) };
}

export function graphPermissionsNotChecked(reason: string): GraphPermissions {
  return { status: "not-checked", reason, granted: [], missing: [] };
}

export interface EwsReadiness {
  state: EwsReadinessState;
  reason?: string;
}

/**
 * EWS readiness from one authenticated EWS request: a 403 whose X-EWS-Policy-Reason says EWS is
 * disabled → disabled, says it is blocked by policy → blocked-by-policy; EWS answering (200, or an
 * EWS SOAP fault in a 500) → allowed; anything else → not-checked, with the reason.
 */
export function ewsReadinessFrom(reply: Outcome<Pick<HttpReply, "status" | "headers" | "body">>, redact: Redact): EwsReadiness {
  if (!reply.ok) return { state: "not-checked", reason: `the EWS request failed: ${redact(reply.failure.message)}` };
  const { status, headers, body } = reply.value;
  const quoted = headerValue(headers, "x-ews-policy-reason");
  if (status === 403 && quoted !== undefined) {
    // Redacted before it is clipped: a front end may quote the request's Authorization header in it.
    const policy = redact(quoted).slice(0, 200);
    const state = ewsPolicyOf(policy);
    if (state !== undefined) return { state, reason: policy };
    return { state: "not-checked", reason: `HTTP 403 with an X-EWS-Policy-Reason this monitor does not know: ${policy}` };
  }
  if (status === 200) return { state: "allowed" };
  if (status === 500 && /ResponseCode/.test(body.subarray(0, 64 * 1024).toString("utf8"))) return { state: "allowed" };
  if (status === 401) return { state: "not-checked", reason: "EWS refused the app's token (HTTP 401): the app lacks full_access_as_app or the token is wrong" };
  return { state: "not-checked", reason: `EWS answered HTTP ${status}${status === 403 ? " without X-EWS-Policy-Reason" : ""}` };
}

const dayMs = 86_400_000;

/** Calendar days (UTC) from `now` to the EWS shutdown; 0 on and after the day. */
export function ewsDaysLeft(now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.max(0, Math.round((Date.parse(`${ewsShutdownDate}T00:00:00Z`) - today) / dayMs));
}

/**
 * How long a stored readiness speaks for its profile. The daily check renews it; one not renewed for 3 days (the
 * profile left Exchange Online or stopped signing in with an app, or its probe cannot start) tells nothing any more.
 */
export const readinessLifetimeMs = 3 * dayMs;

/** Stored readiness as of `now`: its days left counted today, not on the day it was checked. */
export function readinessAsOf<R extends Pick<CheckedReadiness, "ewsDaysLeft">>(readiness: R, now: Date): R {
  return { ...readiness, ewsDaysLeft: ewsDaysLeft(now) };
}

/** Stored readiness that still speaks for its profile at `now` (as of `now`), or undefined. */
export function freshReadiness<R extends Pick<CheckedReadiness, "ewsDaysLeft" | "checkedAt">>(readiness: R | undefined, now: Date): R | undefined {
  if (readiness === undefined) return undefined;
  const checkedAt = Date.parse(readiness.checkedAt);
  return Number.isFinite(checkedAt) && now.getTime() - checkedAt <= readinessLifetimeMs ? readinessAsOf(readiness, now) : undefined;
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Readiness speaks for synchronization itself only when the monitor signs in as sync's own app registration. */
export function speaksFor(monitor: AppRef, syncApp?: AppRef): SpeaksFor {
  const same = (a: AppRef, b: AppRef) => sameId(a.tenantId, b.tenantId) && sameId(a.clientId, b.clientId);
  if (syncApp !== undefined && same(monitor, syncApp)) return { kind: "sync-app", app: monitor };
  return { kind: "monitor-app", app: monitor, syncApp: syncApp ?? "unknown" };
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The app the monitor signed in as. A profile may name its tenant by a verified domain (contoso.onmicrosoft.com);
 * the tenant's id then comes from the token Entra gave (`tid`), so that it compares with synchronization's app,
 * which Dataverse and the profile name by tenant id.
 */
export function monitorAppOf(configured: AppRef, tokenTenantId?: string): AppRef {
  if (guidPattern.test(configured.tenantId) || tokenTenantId === undefined || !guidPattern.test(tokenTenantId)) return configured;
  return { tenantId: tokenTenantId, clientId: configured.clientId };
}

/**
 * Whose readiness this is, in one sentence for the command line and the owner's email: synchronization's own app,
 * or the monitor's — then naming both apps (sync uses X; the monitor signed in as Y, so the answers are Y's).
 */
export function speaksForText(s: SpeaksFor): string {
  if (s.kind === "sync-app") return `server-side synchronization itself: the monitor signed in as synchronization's own app ${s.app.clientId} in tenant ${s.app.tenantId}`;
  if (s.syncApp === "unknown") {
    return `the monitor's app ${s.app.clientId} in tenant ${s.app.tenantId} only: which app registration synchronization uses is not known (the profile's syncApp names it; for a profile from Dataverse, the email server profile's exchangeonlinetenantid and oauthclientid), so check that one the same way`;
  }
  const oneTenant = sameId(s.app.tenantId, s.syncApp.tenantId);
  const app = (a: AppRef) => (oneTenant ? `app ${a.clientId}` : `app ${a.clientId} in tenant ${a.tenantId}`);
  return (
    `the monitor's app, not synchronization's: synchronization uses ${app(s.syncApp)}; the monitor signed in as ${app(s.app)}` +
    `${oneTenant ? ` (both in tenant ${s.app.tenantId})` : ""}, so these answers are for ${app(s.app)} — check ${app(s.syncApp)} the same way`
  );
}

export interface ReadinessInput {
  ews: EwsReadiness;
  graphPermissions: GraphPermissions;
  now: Date;
  monitorApp: AppRef;
  /** The app registration the profile's synchronization uses (Dataverse: exchangeonlinetenantid, oauthclientid), when known. */
  syncApp?: AppRef;
}

export function buildReadiness(input: ReadinessInput): Readiness {
  const readiness: Readiness = {
    ews: input.ews.state,
    ewsShutdown: ewsShutdownDate,
    ewsDaysLeft: ewsDaysLeft(input.now),
    graphPermissions: input.graphPermissions,
    speaksFor: speaksFor(input.monitorApp, input.syncApp),
  };
  if (input.ews.reason !== undefined) readiness.ewsReason = input.ews.reason;
  return readiness;
}

/** What to do about EWS answering the app until the shutdown: the allow list or the switch, or Graph instead. */
export function ewsFixText(r: Pick<Readiness, "ews" | "speaksFor">): string | undefined {
  const apps = [r.speaksFor.app.clientId, ...(r.speaksFor.kind === "monitor-app" && r.speaksFor.syncApp !== "unknown" && r.speaksFor.syncApp.clientId !== r.speaksFor.app.clientId ? [r.speaksFor.syncApp.clientId] : [])];
  const allow = `${addToEwsAllowList(apps.join(","))} (read the list with ${readEwsAllowList}; a write replaces it whole)`;
  if (r.ews === "blocked-by-policy") return `to keep EWS until then: ${allow}, and check the User-Agent policy (${readEwsUserAgentPolicy}); the lasting fix is Microsoft Graph`;
  if (r.ews === "disabled") return `to keep EWS until then: Set-OrganizationConfig -EWSEnabled $true (and Set-CASMailbox -Identity <mailbox> -EwsEnabled $true where a mailbox has it off), then ${allow}; the lasting fix is Microsoft Graph`;
  return undefined;
}
