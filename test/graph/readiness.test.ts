import { describe, expect, it } from "vitest";
import { buildReadiness, ewsDaysLeft, ewsReadinessFrom, graphPermissionsFrom, speaksFor, syncGraphPermissions } from "../../lib/graph/readiness.js";
import { readTokenClaims } from "../../lib/graph/token-roles.js";
import { classifyHttpStatus } from "../../lib/exchange/classify-http.js";
import { makeFailure } from "../../lib/diagnosis/failure.js";

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
    expect(ewsReadinessFrom(reply(403, { "x-ews-policy-reason": "EWS is disabled for this user or tenant" }))).toEqual({ state: "disabled", reason: "EWS is disabled for this user or tenant" });
    expect(ewsReadinessFrom(reply(403, { "x-ews-policy-reason": "EWS is blocked by policy for this user or tenant" }))).toEqual({ state: "blocked-by-policy", reason: "EWS is blocked by policy for this user or tenant" });
    expect(ewsReadinessFrom(reply(200)).state).toBe("allowed");
    expect(ewsReadinessFrom(reply(500, {}, "<s:Envelope><e:ResponseCode>ErrorImpersonateUserDenied</e:ResponseCode></s:Envelope>")).state).toBe("allowed");
    expect(ewsReadinessFrom(reply(403))).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/without X-EWS-Policy-Reason/) });
    expect(ewsReadinessFrom(reply(401))).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/401/) });
    expect(ewsReadinessFrom(reply(502))).toMatchObject({ state: "not-checked", reason: "EWS answered HTTP 502" });
    const down = makeFailure("connect-timeout", { code: "ETIMEDOUT", message: "no connection to outlook.office365.com" });
    expect(ewsReadinessFrom({ ok: false, failure: down })).toMatchObject({ state: "not-checked", reason: expect.stringMatching(/no connection/) });
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

describe("an EWS 403 seen by the EWS check", () => {
  it("quotes X-EWS-Policy-Reason in the access-denied message", () => {
    const failure = classifyHttpStatus({ status: 403, headers: { "x-ews-policy-reason": "EWS is blocked by policy for this user or tenant" }, authUsed: "bearer" });
    expect(failure).toMatchObject({ category: "access-denied", code: "403" });
    expect(failure!.message).toBe("HTTP 403 Forbidden; X-EWS-Policy-Reason: EWS is blocked by policy for this user or tenant");
  });
});
