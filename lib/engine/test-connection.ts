import { makeFailure } from "../diagnosis/failure.js";
import { redactDeep } from "../diagnosis/redact.js";
import { serverInfo, type ServerBuild } from "../exchange/server-version.js";
import type { MailboxCheck, StepName, StepResult, StepTarget, TestAddressSource, TestConnectionReport } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import { discover } from "./autodiscover.js";
import { getFolders } from "./ews-check.js";
import { inParallel } from "../util/in-parallel.js";
import { checkMailbox, type MailboxCheckResult } from "./mailbox-check.js";
import type { ProbeSession } from "./session.js";

export interface TestConnectionOptions {
  /** Mailboxes to run Test & Enable's checks on, without changing any state. */
  mailboxes?: string[];
}

/** `tested`: the test mailbox's check, when the mailbox step ran (a full check, as a cycle's). */
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
  let ewsUrl: string | undefined;

  type StepOutcome = { ok: true; url?: string; skipped?: true } | { ok: false; url?: string; error: Failure };
  const run = async (step: StepName, body: () => Promise<StepOutcome>, on: (url?: string) => StepTarget = urlOnly) => {
    const t = performance.now();
    const outcome = await body();
    const elapsedMs = Math.round(performance.now() - t);
    const result: StepResult = outcome.ok
      ? { step, ok: true, elapsedMs, ...(outcome.skipped ? { skipped: true as const } : {}), ...on(outcome.url) }
      : { step, ok: false, elapsedMs, error: redactDeep(outcome.error, session.redact), ...on(outcome.url) };
    steps.push(result);
    return outcome.ok;
  };
  const skip = (step: StepName) => steps.push({ step, ok: null, elapsedMs: 0 });

  let passed =
    testAddress === undefined
      ? await run("autodiscover", async () => ({ ok: false, error: noAddress(session) }))
      : await run("autodiscover", async () => {
          if (profile.autodiscover) {
            const found = await discover(session, testAddress);
            if (!found.ok) return { ok: false, error: found.failure };
            ewsUrl = found.value.ewsUrl;
            server = found.value.server;
            return { ok: true, url: found.value.via };
          }
          // Autodiscover is off: the step only checks that the configured EWS URL answers over HTTPS.
          ewsUrl = profile.incomingUrl!;
          const reply = await session.sendAnonymous({ url: ewsUrl, method: "GET" });
          return reply.ok ? { ok: true, skipped: true, url: ewsUrl } : { ok: false, url: ewsUrl, error: reply.failure };
        });

  if (passed && testAddress !== undefined && ewsUrl !== undefined) {
    const url = ewsUrl;
    passed = await run("ews", async () => {
      const answer = await getFolders(session, url, testAddress, ["inbox"], server?.major === "14" ? "Exchange2010_SP2" : "Exchange2013_SP1");
      server = answer.server ?? server;
      if (answer.kind === "folders" || (answer.reachedEws && answer.failure.category !== "unsupported-version")) return { ok: true, url };
      return { ok: false, url, error: answer.failure };
    }, target);
  } else skip("ews");

  const checks = new Map<string, MailboxCheckResult>();
  const check = async (address: string) => {
    let result = checks.get(address);
    if (result === undefined) {
      const configured = profile.mailboxes.find((m) => m.address === address);
      const wanted = configured ?? { incoming: true, outgoing: true, appointmentsContactsTasks: true };
      const toCheck = { address, wanted: { incoming: wanted.incoming, outgoing: wanted.outgoing, appointmentsContactsTasks: wanted.appointmentsContactsTasks } };
      result = await checkMailbox(session, address === testAddress && ewsUrl !== undefined ? { ...toCheck, cachedEwsUrl: ewsUrl } : toCheck);
      checks.set(address, result);
    }
    return result;
  };

  if (passed && testAddress !== undefined) {
    await run("mailbox", async () => {
      const result = await check(testAddress);
      server = result.server ?? server;
      return result.ok ? { ok: true, url: result.ewsUrl } : withUrl({ ok: false, error: result.error }, result.ewsUrl);
    }, target);
  } else skip("mailbox");

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
  if (ewsUrl !== undefined) report.ewsUrl = ewsUrl;
  const tested = testAddress === undefined ? undefined : checks.get(testAddress);
  if (tested !== undefined) report.tested = tested;
  return report;
}

/** The contract's mailbox object: no internal fields. */
export function publicCheck(result: MailboxCheckResult): MailboxCheck {
  const { server: _s, rediscovered: _r, ...check } = result;
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
