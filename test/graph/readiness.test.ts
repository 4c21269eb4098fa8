import { describe, expect, it } from "vitest";
import { buildReadiness, ewsDaysLeft, ewsFixText, ewsReadinessFrom, freshReadiness, graphPermissionsFrom, monitorAppOf, readinessAsOf, speaksFor, speaksForText, syncGraphPermissions } from "../../lib/graph/readiness.js";
import { checkedReadiness } from "../support/readiness.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";
import { readTokenClaims } from "../../lib/graph/token-roles.js";
import { classifyHttpStatus } from "../../lib/exchange/classify-http.js";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import { noRedaction, redactorOf } from "../../lib/diagnosis/redact.js";

const part = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const jwt = (claims: unknown) => `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2ln`;
const reply = (status: number, headers: Record<string, string> = {}, body = "") => ({ ok: true as const, value: { status, headers, body: Buffer.from(body) } });

describe("token roles", () => {
  it("reads roles, audience, app and tenant from the payload without a signature check", () => {
    const read = readTokenClaims(jwt({ aud: "https://graph.microsoft.com", appid: "app", tid: "t", roles: ["Mail.ReadWrite", "Mail.Send"] }));
    expect(read).toEqual({ ok: true, claims: { roles: ["Mail.ReadWrite", "Mail.Send"], audience: "https://graph.microsoft.com", appId: "app", tenantId: "t" } });
    expect(readTokenClaims(jwt({ aud: "x" }))).toEqual({ ok: true, claims: { roles: [], audience: "x" } });
  });

  it.each([
    ["not a JWT", "opaque-token"],
    ["a payload that is not JSON", `${part("{}")}.${part("not json")}.sig`],
    ["roles that are not strings", jwt({ roles: [1, 2] })],
    ["a payload that is not an object", jwt("[1]")],
  ])("refuses %s with a reason", (_, token) => {
    const read = readTokenClaims(token);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.reason).toMatch(/access token/);
  });
});

describe("readiness", () => {
  it("lists the permissions sync needs that the token lacks", () => {
    const granted = syncGraphPermissions.filter((p) => p !== "Tasks.ReadWrite.All");
    expect(graphPermissionsFrom([...granted, "User.Read.All"])).toEqual({ status: "checked", granted: [...granted, "User.Read.All"], missing: ["Tasks.ReadWrite.All"] });
    expect(graphPermissionsFrom([]).missing).toEqual([...syncGraphPermissions]);
    expect(graphPermissionsFrom([...syncGraphPermissions]).missing).toEqual([]);
  });

  it("EWS: 403 with X-EWS-Policy-Reason → disabled or blocked-by-policy; EWS answering → allowed; else not-checked with the reason", () => {
    expect(ewsReadinessFrom(reply(403, { "x-ews-policy-reason": "EWS is disabled for this user or tenant" }), noRedaction)).toEqual({ state: "disabled", reason: "EWS is disabled for this user or tenant" });
    expect(ewsReadinessFrom(reply(403, { "x-ews-policy-reason": "EWS is blocked by policy for this user or tenant" }), noRedaction)).toEqual({ state: "blocked-by-policy", reason: "EWS is blocked by policy for this user or tenant" });
    expect(ewsReadinessFrom(reply(200), noRedaction).state).toBe("allowed");
    expect(ewsReadinessFrom(reply(500, {}, "<s:Envelope><e:ResponseCode>ErrorImpersonateUserDenied</e:ResponseCode></s:Envelope>"), noRedaction).state).toBe("allowed");
    expect(ewsReadinessFrom(reply(403), noRedaction)).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/without X-EWS-Policy-Reason/) });
    expect(ewsReadinessFrom(reply(401), noRedaction)).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/401/) });
    expect(ewsReadinessFrom(reply(502), noRedaction)).toMatchObject({ state: "not-checked", reason: "EWS answered HTTP 502" });
    const down = makeFailure("connect-timeout", { code: "ETIMEDOUT", message: "no connection to outlook.office365.com" });
    expect(ewsReadinessFrom({ ok: false, failure: down }, noRedaction)).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/no connection/) });
  });

  it("stored readiness counts its days left on the day it is read, and stops speaking for its profile three days after its check", () => {
    const stored = checkedReadiness({ ewsDaysLeft: 121, checkedAt: "2026-11-30T06:00:00.000Z" });
    expect(readinessAsOf(stored, new Date("2027-03-31T12:00:00Z")).ewsDaysLeft).toBe(1);
    expect(readinessAsOf(stored, new Date("2027-04-01T10:00:00Z")).ewsDaysLeft).toBe(0);
    expect(freshReadiness(stored, new Date("2026-12-03T06:00:00.000Z"))).toMatchObject({ ews: "blocked-by-policy", ewsDaysLeft: 119 });
    expect(freshReadiness(stored, new Date("2026-12-03T06:00:00.001Z"))).toBeUndefined();
    expect(freshReadiness({ ...stored, checkedAt: "not a time" }, new Date("2026-11-30T07:00:00Z"))).toBeUndefined();
    expect(freshReadiness(undefined, new Date())).toBeUndefined();
  });

  it("EWS: a policy header that quotes the app's token back is redacted before it is clipped: not even a prefix is left", () => {
    // A token's shape (header.claims.signature), made in the test: long enough for the clip to fall inside it.
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = [part({ typ: "JWT" }), part({ aud: "https://outlook.office365.com", pad: throwawaySecret("claims").repeat(4) }), throwawaySecret("signature")].join(".");
    const redact = redactorOf([`Bearer ${token}`, token]);
    for (const padding of [0, 120, 170, 190]) {
      const header = `${"x".repeat(padding)} unknown policy; request had Authorization: Bearer ${token}`;
      for (const policy of [header, `EWS is blocked by policy for this user or tenant; Authorization: Bearer ${token}`]) {
        const { reason = "" } = ewsReadinessFrom(reply(403, { "x-ews-policy-reason": policy }), redact);
        expect(reason).not.toContain(token.slice(0, 12));
      }
    }
    const quoted = makeFailure("http-status", { code: "500", message: `front end said: Bearer ${token}` });
    expect(ewsReadinessFrom({ ok: false, failure: quoted }, redact).reason).not.toContain(token.slice(0, 12));
  });

  it("counts the calendar days left until 2027-04-01 from the clock it is given", () => {
    expect(ewsDaysLeft(new Date("2026-11-30T16:50:00Z"))).toBe(122);
    expect(ewsDaysLeft(new Date("2027-03-31T23:59:59Z"))).toBe(1);
    expect(ewsDaysLeft(new Date("2027-04-01T00:00:00Z"))).toBe(0);
    expect(ewsDaysLeft(new Date("2027-06-01T00:00:00Z"))).toBe(0);
  });

  it("says whose readiness it is: sync's own app registration, or the monitor's", () => {
    const monitor = { tenantId: "T", clientId: "A" };
    expect(speaksFor(monitor, { tenantId: "t", clientId: "a" })).toEqual({ kind: "sync-app", app: monitor });
    expect(speaksFor(monitor, { tenantId: "T", clientId: "B" })).toEqual({ kind: "monitor-app", app: monitor, syncApp: { tenantId: "T", clientId: "B" } });
    expect(speaksFor(monitor)).toEqual({ kind: "monitor-app", app: monitor, syncApp: "unknown" });
  });

  it("says whose answers they are in words: synchronization's own app, or the monitor's with synchronization's named", () => {
    const tenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
    const monitor = { tenantId: tenant, clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5" };
    const sync = { tenantId: tenant, clientId: "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e" };
    expect(speaksForText(speaksFor(monitor, { ...monitor, clientId: monitor.clientId.toUpperCase() }))).toBe(
      `server-side synchronization itself: the monitor signed in as synchronization's own app ${monitor.clientId} in tenant ${tenant}`,
    );
    expect(speaksForText(speaksFor(monitor, sync))).toBe(
      `the monitor's app, not synchronization's: synchronization uses app ${sync.clientId}; the monitor signed in as app ${monitor.clientId} (both in tenant ${tenant}), ` +
        `so these answers are for app ${monitor.clientId} — check app ${sync.clientId} the same way`,
    );
    const otherTenant = { tenantId: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", clientId: sync.clientId };
    expect(speaksForText(speaksFor(monitor, otherTenant))).toBe(
      `the monitor's app, not synchronization's: synchronization uses app ${sync.clientId} in tenant ${otherTenant.tenantId}; the monitor signed in as app ${monitor.clientId} in tenant ${tenant}, ` +
        `so these answers are for app ${monitor.clientId} in tenant ${tenant} — check app ${sync.clientId} in tenant ${otherTenant.tenantId} the same way`,
    );
    expect(speaksForText(speaksFor(monitor))).toMatch(new RegExp(`^the monitor's app ${monitor.clientId} in tenant ${tenant} only: which app registration synchronization uses is not known`));
  });

  it("compares by tenant id: a tenant named by its domain takes the id from the token Entra gave", () => {
    const tenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
    const byDomain = { tenantId: "tailspintoys.onmicrosoft.com", clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5" };
    expect(monitorAppOf(byDomain, tenant)).toEqual({ tenantId: tenant, clientId: byDomain.clientId });
    expect(speaksFor(monitorAppOf(byDomain, tenant), { tenantId: tenant, clientId: byDomain.clientId }).kind).toBe("sync-app");
    // Without a token (or a tid that is no GUID) the configured tenant stays; a configured GUID is never replaced.
    expect(monitorAppOf(byDomain)).toEqual(byDomain);
    expect(monitorAppOf(byDomain, "not-a-guid")).toEqual(byDomain);
    const byId = { tenantId: tenant, clientId: byDomain.clientId };
    expect(monitorAppOf(byId, "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f")).toEqual(byId);
  });

  it("builds the contract's readiness object", () => {
    const readiness = buildReadiness({
      ews: { state: "blocked-by-policy", reason: "EWS is blocked by policy for this user or tenant" },
      graphPermissions: graphPermissionsFrom(["Mail.ReadWrite"]),
      now: new Date("2026-12-01T08:00:00Z"),
      monitorApp: { tenantId: "T", clientId: "A" },
    });
    expect(readiness).toMatchObject({ ews: "blocked-by-policy", ewsShutdown: "2027-04-01", ewsDaysLeft: 121, graphPermissions: { granted: ["Mail.ReadWrite"], missing: expect.arrayContaining(["Mail.Send"]) } });
  });
});

describe("what to do about EWS until the shutdown", () => {
  it("puts synchronization's own app on the allow list beside the monitor's when they differ", () => {
    const monitor = { tenantId: "T", clientId: "MONITOR" };
    const fix = ewsFixText({ ews: "blocked-by-policy", speaksFor: { kind: "monitor-app", app: monitor, syncApp: { tenantId: "T", clientId: "SYNC" } } });
    expect(fix).toContain('-EWSAllowedAppIDs "<IDs already listed>,MONITOR,SYNC"');
    expect(ewsFixText({ ews: "disabled", speaksFor: { kind: "sync-app", app: monitor } })).toMatch(/EWSEnabled \$true.*-EWSAllowedAppIDs "<IDs already listed>,MONITOR"/);
    expect(ewsFixText({ ews: "allowed", speaksFor: { kind: "sync-app", app: monitor } })).toBeUndefined();
  });
});

describe("an EWS 403 seen by the EWS check", () => {
  it("quotes X-EWS-Policy-Reason in the access-denied message", () => {
    const failure = classifyHttpStatus({ status: 403, headers: { "x-ews-policy-reason": "EWS is blocked by policy for this user or tenant" }, authUsed: "bearer" });
    expect(failure).toMatchObject({ category: "access-denied", code: "403" });
    expect(failure!.message).toBe("HTTP 403 Forbidden; X-EWS-Policy-Reason: EWS is blocked by policy for this user or tenant");
  });

  it("advises the allow list for an app that is not on it, and the switch when EWS is off, with the app's id", () => {
    const ctx = { serverType: "exchange-online" as const, signsInAs: "app" as const, clientId: "7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a", address: "amara@wingtiptoys.com" };
    const blocked = classifyHttpStatus({ status: 403, headers: { "x-ews-policy-reason": "EWS is blocked by policy for this user or tenant" }, authUsed: "bearer", ctx });
    expect(blocked!.remediation).toContain('Set-OrganizationConfig -EWSAllowedAppIDs "<IDs already listed>,7d8e9f0a-1b2c-4d3e-9f4a-5b6c7d8e9f0a"');
    expect(blocked!.remediation).toContain("April 1, 2027");
    // The list reads empty without -RetrieveEwsOperationAccessPolicy, and the User-Agent policy can block as well.
    expect(blocked!.remediation).toContain("Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy | fl EwsAllowedAppIDs");
    expect(blocked!.remediation).toContain("EwsApplicationAccessPolicy,EwsAllowList,EwsBlockList");
    const disabled = classifyHttpStatus({ status: 403, headers: { "x-ews-policy-reason": "EWS is disabled for this user or tenant" }, authUsed: "bearer", ctx });
    expect(disabled!.remediation).toContain("Set-OrganizationConfig -EWSEnabled $true");
    expect(disabled!.remediation).toContain("Set-CASMailbox -Identity amara@wingtiptoys.com -EwsEnabled $true");
    // Once EWS is on, only the apps on the allow list get through: the advice says so too.
    expect(disabled!.remediation).toContain("-RetrieveEwsOperationAccessPolicy");
  });
});
