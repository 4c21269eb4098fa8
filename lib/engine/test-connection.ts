import { makeFailure } from "../diagnosis/failure.js";
import { redactDeep } from "../diagnosis/redact.js";
import { serverInfo, type ServerBuild } from "../exchange/server-version.js";
import type { MailboxCheck, StepName, StepResult, StepTarget, TestAddressSource, TestConnectionReport } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { HttpReply } from "../net/types.js";
import type { Outcome } from "../model/result.js";
import { discover } from "./autodiscover.js";
import { inParallel } from "../util/in-parallel.js";
import { checkMailbox, type EwsLocation, type MailboxCheckResult } from "./mailbox-check.js";
import type { ProbeSession } from "./session.js";

export interface TestConnectionOptions {
  /** Mailboxes to run Test & Enable's checks on, without changing any state. */
  mailboxes?: string[];
}

/** `tested`: the test mailbox's full check (as a cycle's), whenever it ran: it answers the EWS and mailbox steps. */
export type TestConnectionResult = TestConnectionReport & { ewsUrl?: string; mailboxResults: MailboxCheckResult[]; tested?: MailboxCheckResult };

/** Test Connection's three steps — Autodiscover / HTTPS, EWS, mailbox — and then the mailboxes asked for. */
export async function testConnection(session: ProbeSession, options: TestConnectionOptions = {}): Promise<TestConnectionResult> {
  const started = performance.now();
  const { profile } = session;
  const requested = (options.mailboxes ?? []).map((a) => a.toLowerCase());
  const chosen = testMailbox(session, requested);
  const testAddress = chosen?.address;
  const urlOnly = (url?: string): StepTarget => (url === undefined ? {} : { url: session.redact(url) });
  const target = (url?: string): StepTarget => ({ ...urlOnly(url), ...(chosen ?? {}) });
  const steps: StepResult[] = [];
  let server: ServerBuild | undefined;

  type StepOutcome = { ok: true; url?: string; skipped?: true } | { ok: false; url?: string; error: Failure };
  const push = (step: StepName, outcome: StepOutcome, elapsedMs: number, on: (url?: string) => StepTarget = urlOnly) => {
    steps.push(
      outcome.ok
        ? { step, ok: true, elapsedMs, ...(outcome.skipped ? { skipped: true as const } : {}), ...on(outcome.url) }
        : { step, ok: false, elapsedMs, error: redactDeep(outcome.error, session.redact), ...on(outcome.url) },
    );
    return outcome.ok;
  };
  const run = async (step: StepName, body: () => Promise<StepOutcome>, on: (url?: string) => StepTarget = urlOnly) => {
    const t = performance.now();
    const outcome = await body();
    return push(step, outcome, Math.round(performance.now() - t), on);
  };
  const skip = (step: StepName) => steps.push({ step, ok: null, elapsedMs: 0 });

  const checks = new Map<string, MailboxCheckResult>();
  const check = async (address: string, location?: EwsLocation) => {
    let result = checks.get(address);
    if (result === undefined) {
      const configured = profile.mailboxes.find((m) => m.address === address);
      const wanted = configured ?? { incoming: true, outgoing: true, appointmentsContactsTasks: true };
      const toCheck = { address, wanted: { incoming: wanted.incoming, outgoing: wanted.outgoing, appointmentsContactsTasks: wanted.appointmentsContactsTasks } };
      result = await checkMailbox(session, location === undefined ? toCheck : { ...toCheck, discovered: location });
      checks.set(address, result);
    }
    return result;
  };

  let passed: boolean;
  let at: EwsLocation | undefined;
  if (testAddress === undefined) passed = await run("autodiscover", async () => ({ ok: false, error: noAddress(session) }));
  else if (profile.autodiscover) {
    // The step names the mailbox it looked up: a hybrid profile's Test Connection has another on the Graph side.
    passed = await run(
      "autodiscover",
      async () => {
        const found = await discover(session, testAddress);
        if (!found.ok) return { ok: false, error: found.failure };
        at = found.value;
        server = found.value.server;
        return { ok: true, url: found.value.via };
      },
      target,
    );
  } else {
    // Autodiscover is off: the step checks that the configured EWS URL answers over HTTPS, which the EWS step's
    // own request shows; when that request gets no answer, an anonymous GET tells the two steps apart.
    at = { ewsUrl: profile.incomingUrl! };
    passed = true;
  }

  if (passed && testAddress !== undefined && at !== undefined) {
    // One GetFolder of the test mailbox's folders answers the EWS step and the mailbox step: a cycle's Test
    // Connection asks an Exchange that answers promptly nothing beyond the test mailbox's own check.
    const url = at.ewsUrl;
    const testing = check(testAddress, at);
    const get = profile.autodiscover ? undefined : getIfUnanswered(session, url);
    // However the check ends, no GET is left to go out after this Test Connection.
    const tested = await testing.catch(async (error: unknown) => {
      await get?.cancel();
      throw error;
    });
    server = tested.server ?? server;
    if (get !== undefined) passed = await httpsStep(url, tested, get);
    if (!passed) skip("ews");
    else if (tested.ok || (tested.reached === "ews" && tested.error.category !== "unsupported-version")) {
      push("ews", { ok: true, url }, tested.elapsedMs, target);
      push("mailbox", tested.ok ? { ok: true, url: tested.ewsUrl } : withUrl({ ok: false, error: tested.error }, tested.ewsUrl), tested.elapsedMs, target);
    } else {
      push("ews", { ok: false, url, error: tested.error }, tested.elapsedMs, target);
      passed = false;
    }
    if (!passed) skip("mailbox");
  } else {
    skip("ews");
    skip("mailbox");
  }

  /** The Autodiscover step of a profile that turns it off, from the EWS request (or, if it got no answer, a GET). */
  async function httpsStep(url: string, tested: MailboxCheckResult, get: AnonymousGet): Promise<boolean> {
    if (tested.reached !== "no-answer") {
      await get.cancel();
      return push("autodiscover", { ok: true, skipped: true, url }, tested.elapsedMs);
    }
    const { reply, elapsedMs } = await get.result();
    return push("autodiscover", reply.ok ? { ok: true, skipped: true, url } : { ok: false, url, error: reply.failure }, elapsedMs);
  }

  const mailboxResults: MailboxCheckResult[] = [];
  await inParallel(requested, profile.maxConcurrentConnections, async (address) => void mailboxResults.push(await check(address)));
  mailboxResults.sort((a, b) => requested.indexOf(a.address) - requested.indexOf(b.address));
  const report: TestConnectionResult = {
    profile: profile.id,
    ok: steps.every((s) => s.ok === true) && mailboxResults.every((m) => m.ok),
    elapsedMs: Math.round(performance.now() - started),
    steps,
    mailboxes: mailboxResults.map(publicCheck),
    certificates: session.connections.certificates(),
    mailboxResults,
  };
  if (server !== undefined) report.server = serverInfo(server);
  if (testAddress !== undefined && at !== undefined) report.ewsUrl = at.ewsUrl;
  const tested = testAddress === undefined ? undefined : checks.get(testAddress);
  if (tested !== undefined) report.tested = tested;
  return report;
}

interface AnonymousGet {
  /** The GET's answer: the one sent beside the EWS request, or one sent now. */
  result(): Promise<{ reply: Outcome<HttpReply>; elapsedMs: number }>;
  /** Not needed: never sent, or stopped. */
  cancel(): Promise<void>;
}

/**
 * The anonymous GET that tells "no HTTPS answer at all" from "EWS did not answer", sent beside the EWS request once
 * that has gone a quarter of its wait for headers (at most 2 s) unanswered: a server that hangs is waited on once, not
 * twice, and a healthy one is asked nothing more.
 */
function getIfUnanswered(session: ProbeSession, url: string): AnonymousGet {
  const stop = new AbortController();
  const send = async () => {
    const started = performance.now();
    const reply = await session.sendAnonymous({ url, method: "GET", signal: stop.signal });
    return { reply, elapsedMs: Math.round(performance.now() - started) };
  };
  let sent: ReturnType<typeof send> | undefined;
  const timer = setTimeout(() => (sent = send()), Math.min(2_000, session.connections.timeouts.headersMs / 4));
  return {
    result: () => {
      clearTimeout(timer);
      return (sent ??= send());
    },
    cancel: async () => {
      clearTimeout(timer);
      stop.abort(new Error("the EWS request was answered"));
      await sent;
    },
  };
}

/** The contract's mailbox object: no internal fields. */
export function publicCheck(result: MailboxCheckResult): MailboxCheck {
  const { server: _s, rediscovered: _r, reached: _reached, ...check } = result;
  return check;
}

function withUrl<T extends object>(value: T, url: string | undefined): T & { url?: string } {
  return url === undefined ? value : { ...value, url };
}

export type TestAddress = { address: string; addressFrom: TestAddressSource };

/** The mailbox Test Connection opens: the first one asked for, else the profile's first approved one, first one, or its service account. */
export function testMailbox(session: ProbeSession, requested: string[]): TestAddress | undefined {
  const { profile } = session;
  if (requested[0] !== undefined) return { address: requested[0], addressFrom: "requested" };
  const configured = testMailboxOf(profile.mailboxes);
  if (configured !== undefined) return configured;
  return profile.auth.username === undefined ? undefined : { address: profile.auth.username, addressFrom: "service-account" };
}

/** Of these mailboxes, the one Test Connection opens when none is asked for: the first approved one, else the first. */
export function testMailboxOf(mailboxes: readonly { address: string; approved: boolean }[]): TestAddress | undefined {
  const approved = mailboxes.find((m) => m.approved)?.address;
  if (approved !== undefined) return { address: approved, addressFrom: "first-approved-mailbox" };
  const first = mailboxes[0]?.address;
  return first === undefined ? undefined : { address: first, addressFrom: "first-mailbox" };
}

function noAddress(session: ProbeSession): Failure {
  return makeFailure("credential-format", {
    code: "NoAddress",
    message: "The profile has no mailbox and no user name to test the connection with",
    context: session.context(),
  });
}
