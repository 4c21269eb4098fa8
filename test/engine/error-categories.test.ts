import { describe, expect, it } from "vitest";
import type { ProfileInput } from "../../lib/config/profile.js";
import type { Timeouts } from "../../lib/net/index.js";
import { openSession } from "../../lib/engine/open-session.js";
import { testConnection } from "../../lib/engine/test-connection.js";
import type { MailboxKnobs, MailboxSpec, OrgSpec, ServerKnobs, ServerSpec } from "../../sim/index.js";
import { startSimulatedOrg } from "../../sim/index.js";
import {
  checkOne,
  direct,
  environment,
  essentials,
  expectNoLeak,
  onlineOrg,
  onlineProfile,
  org,
  profile,
  shortTimeouts,
  withOrg,
  type Expected,
} from "./support.js";

/**
 * Every category of the error vocabulary the simulator can produce, each from its own small
 * organisation, through `checkMailbox` (Test & Enable) or `testConnection`, with the exact
 * category, code and transient flag (and retryAfterMs where the server named one).
 */

const ews = "https://mail.contoso.com/EWS/Exchange.asmx";
const mailServer = (knobs: Partial<ServerKnobs> = {}, extra: Partial<ServerSpec> = {}): ServerSpec => ({ name: "mail.contoso.com", knobs, ...extra });
const adServer: ServerSpec = { name: "autodiscover.contoso.com", ews: false, autodiscover: true };
const user = (knobs: Partial<MailboxKnobs> = {}, server = "mail.contoso.com"): MailboxSpec => ({ address: "user@contoso.com", server, knobs });
/** One EWS server, one mailbox, the profile pointing at EWS directly (autodiscover off). */
const ewsOnly = (server: Partial<ServerKnobs> = {}, mailbox: Partial<MailboxKnobs> = {}, extra: Partial<ServerSpec> = {}) =>
  org({ servers: [mailServer(server, extra)], mailboxes: [user(mailbox)] });
/** Autodiscover at autodiscover.contoso.com, EWS on mail.contoso.com. */
const discovered = (mailbox: Partial<MailboxKnobs> = {}, servers: ServerSpec[] = []) =>
  org({ servers: [adServer, mailServer(), ...servers], mailboxes: [user(mailbox)] });

const online = (knobs: Partial<ServerKnobs>): OrgSpec => onlineOrg(knobs, "all");

interface Case {
  name: string;
  spec: OrgSpec;
  change?: (p: ProfileInput) => ProfileInput;
  env?: Record<string, string>;
  timeouts?: Timeouts;
  /** checkMailbox with this cached EWS URL. */
  cached?: string;
  expected: Expected;
  /** Extra facts about the mailbox check. */
  rediscovered?: boolean;
}

const cases: Case[] = [
  { name: "dns: unknown host", spec: ewsOnly(), change: direct("https://nowhere.contoso.com/EWS/Exchange.asmx"), expected: { category: "dns", code: "ENOTFOUND", transient: true } },
  { name: "connection-refused", spec: ewsOnly({ refuse: true }), change: direct(ews), expected: { category: "connection-refused", code: "ECONNREFUSED", transient: true } },
  {
    name: "connect-timeout: TLS handshake never completes",
    spec: ewsOnly({ stallHandshake: true }),
    change: direct(ews),
    timeouts: shortTimeouts,
    expected: { category: "connect-timeout", code: "UND_ERR_CONNECT_TIMEOUT", transient: true },
  },
  {
    name: "timeout: the server accepts the request and never answers",
    spec: ewsOnly({ hang: true }),
    change: direct(ews),
    timeouts: shortTimeouts,
    expected: { category: "timeout", code: "UND_ERR_HEADERS_TIMEOUT", transient: true },
  },
  {
    name: "timeout: one mailbox answers only after the EWS timeout",
    spec: ewsOnly({}, { stallMs: 2_000 }),
    change: direct(ews),
    timeouts: shortTimeouts,
    expected: { category: "timeout", code: "UND_ERR_HEADERS_TIMEOUT", transient: true },
  },
  { name: "auth-failed: wrong password", spec: ewsOnly(), change: direct(ews), env: { ENGINE_PASSWORD: "wrong" }, expected: { category: "auth-failed", code: "401", transient: false } },
  { name: "basic-auth-disabled", spec: ewsOnly({ basicDisabled: true }), change: direct(ews), expected: { category: "basic-auth-disabled", code: "401", transient: false } },
  { name: "autodiscover-not-found", spec: discovered({ notFound: true }), expected: { category: "autodiscover-not-found", code: "500", transient: false } },
  {
    name: "autodiscover-redirect-loop",
    spec: org({
      servers: [adServer, mailServer()],
      mailboxes: [user({ redirectAddr: "other@contoso.com" }), { address: "other@contoso.com", server: "mail.contoso.com", knobs: { redirectAddr: "user@contoso.com" } }],
    }),
    expected: { category: "autodiscover-redirect-loop", code: "RedirectLoop", transient: false },
  },
  {
    name: "autodiscover-redirect-refused",
    spec: discovered({ redirectAddr: "user@fabrikam.com" }, [{ name: "autodiscover.fabrikam.com", ews: false, autodiscover: true }]),
    expected: { category: "autodiscover-redirect-refused", code: "redirect-address", transient: false },
  },
  { name: "insecure-url: redirectUrl over http", spec: discovered({ redirectUrl: "http://ad2.contoso.com/autodiscover/autodiscover.xml" }, [{ name: "ad2.contoso.com", ews: false, autodiscover: true }]), expected: { category: "insecure-url", code: "redirect-url", transient: false } },
  {
    name: "autodiscover-error: no Autodiscover endpoint at all",
    spec: org({ servers: [mailServer()], mailboxes: [user()] }),
    expected: { category: "autodiscover-error", code: "NoEndpoint", transient: true },
  },
  { name: "http-status: 404 for a wrong EWS path", spec: ewsOnly(), change: direct("https://mail.contoso.com/EWS/Exchange2.asmx"), expected: { category: "http-status", code: "404", transient: false } },
  { name: "impersonation-denied", spec: ewsOnly({}, { impersonationDenied: true }), change: direct(ews), expected: { category: "impersonation-denied", code: "ErrorImpersonateUserDenied", transient: false } },
  { name: "mailbox-not-found (EWS, autodiscover off)", spec: ewsOnly({}, { notFound: true }), change: direct(ews), expected: { category: "mailbox-not-found", code: "ErrorNonExistentMailbox", transient: false } },
  { name: "access-denied: ErrorAccessDenied", spec: ewsOnly({}, { accessDenied: true }), change: direct(ews), expected: { category: "access-denied", code: "ErrorAccessDenied", transient: false } },
  { name: "access-denied: EWS disabled in Exchange Online (403)", spec: online({ ewsDisabled: true }), change: onlineProfile, expected: { category: "access-denied", code: "403", transient: false } },
  {
    name: "server-busy: ErrorServerBusy keeps BackOffMilliseconds",
    spec: ewsOnly({}, { busy: 4_500 }),
    change: direct(ews),
    expected: { category: "server-busy", code: "ErrorServerBusy", transient: true, retryAfterMs: 4_500 },
  },
  { name: "server-busy: 503 keeps Retry-After", spec: ewsOnly({ status503: 7 }), change: direct(ews), expected: { category: "server-busy", code: "503", transient: true, retryAfterMs: 7_000 } },
  {
    name: "mailbox-moved: cached URL, autodiscover off, so it cannot recover",
    spec: org({ servers: [mailServer(), { name: "mail2.contoso.com" }], mailboxes: [user({ movedTo: "mail2.contoso.com" })] }),
    change: direct(ews),
    cached: ews,
    expected: { category: "mailbox-moved", code: "ErrorMailboxMoveInProgress", transient: true },
    rediscovered: true,
  },
  { name: "unsupported-version: Exchange 2010 SP2", spec: ewsOnly({}, {}, { build: "14.2.247.5" }), change: direct(ews), expected: { category: "unsupported-version", code: "14.2.247.5", transient: false } },
  { name: "invalid-response: HTML login page", spec: ewsOnly({ htmlLoginPage: true }), change: direct(ews), expected: { category: "invalid-response", code: "200", transient: true } },
  { name: "invalid-response: not XML", spec: ewsOnly({ malformedBody: "not-xml" }), change: direct(ews), expected: { category: "invalid-response", code: "xml-malformed", transient: true } },
  { name: "invalid-response: truncated XML", spec: ewsOnly({ malformedBody: "truncated" }), change: direct(ews), expected: { category: "invalid-response", code: "xml-malformed", transient: true } },
  { name: "invalid-response: DOCTYPE entity bomb", spec: ewsOnly({ malformedBody: "doctype" }), change: direct(ews), expected: { category: "invalid-response", code: "xml-doctype", transient: true } },
  {
    name: "response-too-large: 50 MB body",
    spec: ewsOnly({ hugeBody: 50 * 1024 * 1024 }),
    change: direct(ews),
    expected: { category: "response-too-large", code: "RESPONSE_TOO_LARGE", transient: true },
  },
];

describe("each error category through checkMailbox", () => {
  it.each(cases)("$name", async (c) => {
    const p = profile(c.change);
    const options = { ...(c.env ? { env: c.env } : {}), ...(c.timeouts ? { timeouts: c.timeouts } : {}) };
    await withOrg(c.spec, p, options, async (sim, session) => {
      const result = await checkOne(session, p.mailboxes[0]!.address, c.cached);
      expect(essentials(result.ok ? undefined : result.error)).toEqual(c.expected);
      expect(result.channels).toEqual({ incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "failure" });
      if (c.rediscovered !== undefined) expect(result.rediscovered).toBe(c.rediscovered);
      const domains = p.serverType === "exchange-server" ? ["contoso.com"] : ["tailspintoys.com", "outlook.office365.com"];
      expectNoLeak(sim, c.spec, domains, ["login.microsoftonline.com"]);
    });
  });

  it("credential-format: the secret setting the profile names is missing", async () => {
    const sim = await startSimulatedOrg(ewsOnly());
    try {
      const opened = openSession(profile(direct(ews)), 10, { ...environment(sim), env: {} });
      expect(opened.ok ? undefined : essentials(opened.failure)).toEqual({ category: "credential-format", code: expect.any(String), transient: false });
      expect(opened.ok ? "" : opened.failure.message).toContain("ENGINE_PASSWORD");
      expect(sim.counters.requests).toEqual([]);
    } finally {
      await sim.stop();
    }
  });
});

interface TlsCase {
  name: string;
  certificate: "expired" | "wrong-name" | "self-signed";
  expected: Expected;
  /** `trusted` is about the chain only; an expired certificate from a trusted CA says so with daysLeft < 0 and its reason. */
  report: { trusted: boolean; namesMatch: boolean; expired: boolean; reason: string };
}

const tls: TlsCase[] = [
  { name: "tls-untrusted: self-signed", certificate: "self-signed", expected: { category: "tls-untrusted", code: "DEPTH_ZERO_SELF_SIGNED_CERT", transient: false }, report: { trusted: false, namesMatch: true, expired: false, reason: "DEPTH_ZERO_SELF_SIGNED_CERT" } },
  { name: "tls-name-mismatch: certificate for another name", certificate: "wrong-name", expected: { category: "tls-name-mismatch", code: "ERR_TLS_CERT_ALTNAME_INVALID", transient: false }, report: { trusted: true, namesMatch: false, expired: false, reason: "ERR_TLS_CERT_ALTNAME_INVALID" } },
  { name: "tls-expired", certificate: "expired", expected: { category: "tls-expired", code: "CERT_HAS_EXPIRED", transient: false }, report: { trusted: true, namesMatch: true, expired: true, reason: "CERT_HAS_EXPIRED" } },
];

describe("certificate problems through testConnection", () => {
  it.each(tls)("$name", async (c) => {
    const spec = ewsOnly({ certificate: c.certificate });
    await withOrg(spec, profile(direct(ews)), {}, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.ok).toBe(false);
      expect(report.steps.map((s) => s.ok)).toEqual([false, null, null]);
      const step = report.steps[0]!;
      expect(essentials(step.ok === false ? step.error : undefined)).toEqual(c.expected);
      const cert = report.certificates.find((r) => r.host === "mail.contoso.com");
      expect(cert && { trusted: cert.trusted, namesMatch: cert.namesMatch, expired: cert.daysLeft < 0, reason: cert.reason }).toEqual(c.report);
      expect(sim.counters.credentials).toEqual([]);
    });
  });
});

interface StepCase {
  name: string;
  spec: OrgSpec;
  change: (p: ProfileInput) => ProfileInput;
  env?: Record<string, string>;
  steps: (boolean | null)[];
  expected: Expected;
  /** Requests that reached mail.contoso.com: one GetFolder answers the HTTPS, EWS and mailbox steps, a GET is added only when it got no answer. */
  mailServerRequests?: number;
}

/** Which of Test Connection's three steps names the failure. */
const steps: StepCase[] = [
  { name: "dns fails the first step", spec: ewsOnly(), change: direct("https://nowhere.contoso.com/EWS/Exchange.asmx"), steps: [false, null, null], expected: { category: "dns", code: "ENOTFOUND", transient: true } },
  {
    name: "a wrong password fails the EWS step",
    spec: ewsOnly(),
    change: direct(ews),
    env: { ENGINE_PASSWORD: "wrong" },
    steps: [true, false, null],
    expected: { category: "auth-failed", code: "401", transient: false },
    mailServerRequests: 1,
  },
  { name: "unsupported-version fails the EWS step", spec: ewsOnly({}, {}, { build: "14.2.247.5" }), change: direct(ews), steps: [true, false, null], expected: { category: "unsupported-version", code: "14.2.247.5", transient: false } },
  {
    name: "impersonation-denied passes EWS and fails the mailbox step",
    spec: ewsOnly({}, { impersonationDenied: true }),
    change: direct(ews),
    steps: [true, true, false],
    expected: { category: "impersonation-denied", code: "ErrorImpersonateUserDenied", transient: false },
    mailServerRequests: 1,
  },
  { name: "autodiscover-not-found fails the first step", spec: discovered({ notFound: true }), change: (p) => p, steps: [false, null, null], expected: { category: "autodiscover-not-found", code: "500", transient: false } },
];

describe("the failing step of testConnection", () => {
  it.each(steps)("$name", async (c) => {
    await withOrg(c.spec, profile(c.change), c.env ? { env: c.env } : {}, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.steps.map((s) => s.ok)).toEqual(c.steps);
      const failed = report.steps.find((s) => s.ok === false);
      expect(essentials(failed?.ok === false ? failed.error : undefined)).toEqual(c.expected);
      if (c.mailServerRequests !== undefined) expect(sim.counters.requestCount("mail.contoso.com")).toBe(c.mailServerRequests);
      expectNoLeak(sim, c.spec, ["contoso.com"]);
    });
  });

  it("asks a healthy server once for all three steps (Autodiscover off), and once more only when that request got no answer", async () => {
    await withOrg(ewsOnly(), profile(direct(ews)), {}, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["autodiscover", true], ["ews", true], ["mailbox", true]]);
      expect(report.steps[0]).toMatchObject({ skipped: true, url: ews });
      expect(sim.counters.requestCount("mail.contoso.com")).toBe(1);
    });
    // The GetFolder times out: the GET that follows shows the URL answers over HTTPS, so the EWS step names the timeout.
    await withOrg(ewsOnly({}, { stallMs: 2_000 }), profile(direct(ews)), { timeouts: shortTimeouts }, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.steps.map((s) => s.ok)).toEqual([true, false, null]);
      const ewsStep = report.steps[1]!;
      expect(ewsStep.ok === false ? ewsStep.error.category : undefined).toBe("timeout");
      expect(sim.counters.requests.filter((r) => r.host === "mail.contoso.com").map((r) => r.method)).toEqual(["POST", "GET"]);
    });
  });

  it("waits once, not twice, on a server that never answers (Autodiscover off): the GET goes out beside the unanswered request", async () => {
    const timeouts = { connectMs: 1_000, headersMs: 1_200, bodyMs: 1_200, totalMs: 1_500 };
    await withOrg(ewsOnly({ hang: true }), profile(direct(ews)), { timeouts }, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.steps.map((s) => s.ok)).toEqual([false, null, null]);
      const httpsStep = report.steps[0]!;
      expect(httpsStep.ok === false ? httpsStep.error.category : undefined).toBe("timeout");
      const [post, get] = sim.counters.requests.filter((r) => r.host === "mail.contoso.com");
      expect([post?.method, get?.method]).toEqual(["POST", "GET"]);
      // Beside it: the GET reached the server while the POST still waited for its answer (one after the other, the
      // GET would come only once the POST's 1,200 ms had run out).
      expect(get!.at! - post!.at!).toBeLessThan(timeouts.headersMs);
    });
    // A slow answer that still comes: a GET sent beside it is stopped, and the EWS request answers all three steps.
    await withOrg(ewsOnly({}, { stallMs: 800 }), profile(direct(ews)), { timeouts }, async (sim, session) => {
      const report = await testConnection(session);
      expect(report.steps.map((s) => [s.step, s.ok])).toEqual([["autodiscover", true], ["ews", true], ["mailbox", true]]);
      expect(report.steps[0]).toMatchObject({ skipped: true, url: ews });
      // The HTTPS step took its answer from the EWS request, not from the GET beside it.
      expect(report.steps[0]!.elapsedMs).toBe(report.steps[1]!.elapsedMs);
    });
  });
});
