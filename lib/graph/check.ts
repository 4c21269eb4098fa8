import { z } from "zod";
import { SecretBook, type OAuthCredentials, type TokenCache } from "../auth/index.js";
import { redactFailure } from "../diagnosis/redact.js";
import { makeFailure } from "../diagnosis/failure.js";
import type { RemediationContext } from "../diagnosis/remediation.js";
import { channelNames, type ChannelName, type MailboxCheck } from "../model/connection.js";
import type { Failure } from "../model/failure.js";
import type { HttpReply, ProfileConnections } from "../net/index.js";
import type { Outcome } from "../model/result.js";
import { batchBody, chunk, mailboxesPerBatch, parseBatchAnswer, planEntries, type BatchEntry, type ItemAnswer } from "./batch.js";
import { classifyGraphAnswer, isThrottled, waitSignal } from "./classify.js";
import { graphBaseUrlOf, graphClouds, mayReceiveCredentials, type GraphCloud, type GraphCloudName } from "./clouds.js";
import { folderPermissions, graphFoldersFor, type GraphFolder } from "./folders.js";
import { handled, isAsRead, type ItemSource } from "../util/as-read.js";
import { inParallel } from "../util/in-parallel.js";
import { afterTurns } from "../util/turns.js";
import { mailboxCheckFrom, mailboxFailed, type FolderOutcome } from "./mailbox-result.js";
import { forgetGraphToken, graphToken, refusedHost } from "./token.js";
import type { Places } from "../util/places.js";
import type { AppRef } from "../model/readiness.js";
import { graphPermissionsFrom, monitorAppOf, speaksFor } from "./readiness.js";
import { readTokenClaims } from "./token-roles.js";

export interface GraphMailbox {
  address: string;
  wanted: Record<ChannelName, boolean>;
}

/**
 * A 429 or 503 item is sent again after its Retry-After, at most `maxTries` times in all and `maxWaitMs` of waiting per
 * batch. A batch answered 503 as a whole (Graph unavailable) waits at most `outageWaitMs` before it is sent again, and
 * once such a batch is refused again, the run's later batches answered 503 as a whole are not sent again until one is
 * answered: an outage fails the run's mailboxes as server-busy in seconds, instead of holding every batch for its
 * Retry-After. A whole batch throttled (429) keeps its Retry-After and its tries.
 */
export interface RetryPolicy {
  maxTries: number;
  maxWaitMs: number;
  outageWaitMs: number;
}

export const defaultRetry: RetryPolicy = { maxTries: 3, maxWaitMs: 30_000, outageWaitMs: 5_000 };

/** Without a Retry-After, wait this long before sending a throttled request again. */
const defaultRetryAfterMs = 1_000;

export interface GraphCheckOptions {
  /** The profile's connections: its connection budget, DNS_SERVERS, TRUSTED_CA_FILE, timeouts and body cap apply. */
  connections: ProfileConnections;
  /** The app context's access tokens. */
  tokens: TokenCache;
  /** The profile's app (lib/auth resolveCredentials); the Graph scope and the cloud's authority are set here. */
  credentials: OAuthCredentials;
  cloud: GraphCloudName;
  /** Batches in flight at once: the profile's Maximum Concurrent Connections. */
  limit: Places;
  retry?: Partial<RetryPolicy>;
  /** What the remediation may name beside the mailbox (serverType). */
  context?: RemediationContext;
  /** The secrets to redact from Graph's words: the run's own book (client secret, tokens) unless a probe shares one. */
  secrets?: SecretBook;
  /** The app synchronization signs in as, when known: its missing Mail.Send is noted on the outgoing channel. */
  syncApp?: AppRef;
}

export type MailboxReport = (address: string, check: MailboxCheck) => Promise<void>;

export interface GraphRunStats {
  mailboxes: number;
  /** `POST $batch` requests sent, retries included. */
  batches: number;
  /** Batches (or parts of batches) sent again after a 429. */
  retries: number;
}

/** One profile's Graph run: its options resolved, and what it has sent so far. */
export interface GraphRun {
  options: GraphCheckOptions;
  cloud: GraphCloud;
  retry: RetryPolicy;
  stats: GraphRunStats;
  secrets: SecretBook;
  /** A batch refused whole with 503 was refused again when sent again, and none has been answered since. */
  graphDown?: true;
  /** The Mail.Send note of the token the run's batches went with, read from its claims once. */
  sendNote?: { token: string; note: string | undefined };
}

export function startRun(options: GraphCheckOptions): GraphRun {
  const secrets = options.secrets ?? SecretBook.of(options.credentials);
  return { options: { ...options, secrets }, cloud: graphClouds[options.cloud], retry: { ...defaultRetry, ...options.retry }, stats: { mailboxes: 0, batches: 0, retries: 0 }, secrets };
}

/**
 * Checks many mailboxes of one profile through Graph: four mailboxes (20 requests) per JSON batch, at
 * most `limit` batches in flight, every mailbox in one batch at a time (so Graph never has more than
 * four of its requests in flight), throttled items sent again after their Retry-After (their batch keeps
 * its place meanwhile). Each mailbox's check is reported as soon as its batch is done; a report that
 * throws never stops the others. Mailboxes still being read are batched as they come (`AsRead`).
 */
export async function checkGraphMailboxes(mailboxes: ItemSource<GraphMailbox>, options: GraphCheckOptions, report: MailboxReport): Promise<GraphRunStats> {
  const run = startRun(options);
  const errors: unknown[] = [];
  const deliver = async (checks: MailboxCheck[]) => {
    for (const check of checks.map((c) => redactCheck(c, run.secrets))) {
      try {
        await report(check.address, check);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  const batches = batchesOf(isAsRead(mailboxes) && mailboxes.first.length === 0 ? await mailboxes.rest : mailboxes, run.stats);
  if (batches.first.length === 0 && batches.more === undefined) return run.stats;
  // One token for the run up front: a refused secret fails every mailbox with one token request, not one per batch.
  const token = await graphToken(options.connections, options.tokens, options.credentials, run.cloud, run.secrets);
  if (!token.ok) {
    const all = [...batches.first, ...(await (batches.more ?? []))].flat();
    await deliver(all.map((m) => mailboxFailed(m.address, wantedOf(m), token.failure)));
  } else {
    // A place is free for the next batch as soon as a batch's answer is in (unless it is to be sent again): the answer
    // is judged and its reports made (redacted, then recorded by the cycle) once the next batch has gone out.
    const delivering: Promise<void>[] = [];
    const work = async (part: GraphMailbox[]) => {
      let free: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => (free = resolve));
      const checked = checkBatch(run, part, free);
      delivering.push(checked.then(({ checks }) => deliver(checks), (error: unknown) => void errors.push(error)));
      await Promise.race([answered, checked.then(() => undefined, () => undefined)]);
    };
    try {
      await inParallel(batches.first, options.limit, work, batches.more);
    } finally {
      await Promise.all(delivering);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} mailbox checks or reports failed`);
  return run.stats;
}

/**
 * The mailboxes in batches of four, each mailbox once (`stats.mailboxes` counts them). Of mailboxes still being read,
 * the whole batches of those in hand come first; the few left over wait for the rest, so that no batch goes out with
 * room to spare while more mailboxes come (if the rest cannot be read, they are left to the redelivered message).
 */
function batchesOf(mailboxes: ItemSource<GraphMailbox>, stats: GraphRunStats): { first: GraphMailbox[][]; more?: Promise<GraphMailbox[][]> } {
  const seen = new Set<string>();
  const fresh = (page: readonly GraphMailbox[]) => {
    const unseen = uniqueMailboxes(page).filter((m) => !seen.has(m.address));
    for (const m of unseen) seen.add(m.address);
    stats.mailboxes += unseen.length;
    return unseen;
  };
  if (!isAsRead(mailboxes)) return { first: chunk(fresh(mailboxes), mailboxesPerBatch) };
  const inHand = fresh(mailboxes.first);
  const whole = inHand.length - (inHand.length % mailboxesPerBatch);
  return { first: chunk(inHand.slice(0, whole), mailboxesPerBatch), more: handled(mailboxes.rest.then((rest) => chunk([...inHand.slice(whole), ...fresh(rest)], mailboxesPerBatch))) };
}

/** Each mailbox once, by its lower-case address (the first entry of an address wins). */
export function uniqueMailboxes(mailboxes: readonly GraphMailbox[]): GraphMailbox[] {
  return [...new Map(mailboxes.map((m) => [m.address.toLowerCase(), { ...m, address: m.address.toLowerCase() }])).values()];
}

/** The channels to judge: the wanted ones, or incoming alone when none is wanted (as the EWS check does). */
export function wantedOf(mailbox: GraphMailbox): ChannelName[] {
  const wanted = channelNames.filter((c) => mailbox.wanted[c]);
  return wanted.length > 0 ? wanted : ["incoming"];
}

/** Whether the batch endpoint itself answered (Test Connection's "graph" step), and where. */
export type Transport = { ok: true; url: string } | { ok: false; url: string; failure: Failure };

export interface BatchResult {
  checks: MailboxCheck[];
  transport: Transport;
  /** Until the batch's first answer: Test Connection's graph step, whatever retries its throttled items needed after. */
  answeredMs: number;
}

/** A batch's answer read: `token` is the access token the batch went with (its roles tell what Entra granted). */
type BatchReply = { kind: "answers"; answers: Map<string, ItemAnswer>; token: string } | { kind: "failed"; failure: Failure; status?: number };
/** `at`: when the answer came. */
type Sent = BatchReply & { at: number };

/**
 * Up to four mailboxes in one batch, throttled items sent again; one MailboxCheck per mailbox. `answered` is called
 * when the first answer is in and nothing of it is to be sent again: the batch's place is free then, and the answer is
 * judged once the event loop's pending I/O (other connections' answers, their next batches) is handled. An answer
 * that asks to wait (429) keeps its place until its retries end, so a throttled run sends less, not more.
 */
export async function checkBatch(run: GraphRun, mailboxes: readonly GraphMailbox[], answered?: () => void): Promise<BatchResult> {
  const started = performance.now();
  const plans = mailboxes.map((m) => {
    const wanted = wantedOf(m);
    return { address: m.address, wanted, folders: graphFoldersFor(wanted, run.cloud.todo) };
  });
  const entries = planEntries(plans);
  const outcomes = new Map<string, FolderOutcome>();
  const url = `${graphBaseUrlOf(run.cloud)}/$batch`;
  let transport: Transport = { ok: true, url };
  let pending: BatchEntry[] = entries;
  let waited = 0;
  let token: string | undefined;
  let answeredMs: number | undefined;
  // When each item's outcome came: a mailbox took as long as its last folder (a throttled one, its retries).
  const settledAt = new Map<string, number>();
  for (let attempt = 1; pending.length > 0; attempt++) {
    const sent = await sendBatch(run, url, pending, attempt === 1 ? answered : undefined);
    const now = sent.at;
    answeredMs ??= Math.round(now - started);
    // The endpoint's verdict is the first attempt's; a retry's failure belongs to the throttled items it carried. A batch
    // throttled as a whole that a retry then answers went to an endpoint that answers (its items' waits are their own).
    const answeredAfterAWait = sent.kind === "answers" && !transport.ok && transport.failure.category === "server-busy";
    if (attempt === 1 || answeredAfterAWait) transport = sent.kind === "answers" ? { ok: true, url } : { ok: false, url, failure: sent.failure };
    if (sent.kind === "answers") token = sent.token;
    const throttled: BatchEntry[] = [];
    let wait = 0;
    for (const entry of pending) {
      const outcome = sent.kind === "failed" ? { ok: false as const, failure: sent.failure } : judge(run, entry, sent.answers.get(entry.id));
      outcomes.set(entry.id, outcome);
      settledAt.set(entry.id, now);
      if (!outcome.ok && outcome.failure.category === "server-busy") {
        throttled.push(entry);
        wait = Math.max(wait, outcome.failure.retryAfterMs ?? defaultRetryAfterMs);
      }
    }
    // Graph down (503 for a whole batch, again after a wait): the run's later such batches are not sent again, until
    // one batch is answered.
    const unavailable = sent.kind === "failed" && sent.status === 503;
    if (sent.kind === "answers") delete run.graphDown;
    else if (unavailable && attempt > 1) run.graphDown = true;
    if (unavailable) wait = Math.min(wait, run.retry.outageWaitMs);
    if (throttled.length === 0 || attempt >= run.retry.maxTries || waited + wait > run.retry.maxWaitMs || (unavailable && run.graphDown)) break;
    await new Promise((resolve) => setTimeout(resolve, wait));
    waited += wait;
    run.stats.retries++;
    pending = throttled;
  }
  const checks = plans.map((plan) => {
    const byFolder = new Map<GraphFolder, FolderOutcome>();
    let last = started;
    for (const entry of entries) {
      if (entry.address !== plan.address) continue;
      byFolder.set(entry.folder, outcomes.get(entry.id)!);
      last = Math.max(last, settledAt.get(entry.id) ?? started);
    }
    return mailboxCheckFrom(plan.address, plan.wanted, byFolder, run.cloud.todo, Math.round(last - started));
  });
  if (token !== undefined && run.sendNote?.token !== token) run.sendNote = { token, note: mailSendNote(run, token) };
  const sendNote = token === undefined ? undefined : run.sendNote?.note;
  const noted = sendNote === undefined ? checks : checks.map((c) => (c.channels.outgoing === "success" ? { ...c, notes: [...(c.notes ?? []), sendNote] } : c));
  return { checks: noted, transport, answeredMs: answeredMs ?? Math.round(performance.now() - started) };
}

/**
 * Sent Items answers with Mail.ReadWrite alone, so the outgoing channel cannot show whether synchronization may send.
 * When the monitor signs in as synchronization's own app and its token has no Mail.Send, the check says so, as a
 * note, not a failure: a permission given through RBAC for Applications is not in the token.
 */
function mailSendNote(run: GraphRun, token: string): string | undefined {
  const { syncApp, credentials } = run.options;
  if (syncApp === undefined) return undefined;
  const read = readTokenClaims(token);
  if (!read.ok) return undefined;
  const monitor = monitorAppOf({ tenantId: credentials.tenantId, clientId: credentials.clientId }, read.claims.tenantId);
  if (speaksFor(monitor, syncApp).kind !== "sync-app" || !graphPermissionsFrom(read.claims.roles).missing.some((p) => p === "Mail.Send")) return undefined;
  return `The token of app ${credentials.clientId}, which synchronization signs in as, has no Mail.Send: unless it is granted through RBAC for Applications, synchronization cannot send mail. Grant Microsoft Graph > Application permissions > Mail.Send with admin consent.`;
}

async function sendBatch(run: GraphRun, url: string, entries: readonly BatchEntry[], answered?: () => void): Promise<Sent> {
  const { connections, tokens, credentials } = run.options;
  const context = { ...run.options.context, api: "graph" as const, host: run.cloud.graphHost, clientId: credentials.clientId };
  if (!mayReceiveCredentials(run.cloud, url)) return { kind: "failed", failure: refusedHost(run.cloud, url, "The Graph batch's Bearer token"), at: performance.now() };
  const token = await graphToken(connections, tokens, credentials, run.cloud, run.secrets);
  if (!token.ok) return { kind: "failed", failure: token.failure, at: performance.now() };
  run.stats.batches++;
  const reply = await connections.request({
    url,
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token.value}` },
    body: batchBody(entries),
    carriesCredentials: true,
  });
  const at = performance.now();
  if (answered !== undefined && cannotAskToWait(reply)) {
    // Read after the next batch is out: ten answers often come within a millisecond, and each read would hold the others' next batches.
    await freePlace(answered);
    return { ...readReply(run, reply, token.value, context), at };
  }
  const sent = readReply(run, reply, token.value, context);
  if (answered !== undefined && !asksToWait(sent)) await freePlace(answered);
  return { ...sent, at };
}

async function freePlace(answered: () => void): Promise<void> {
  answered();
  // The next batch is handed to its connection now, but undici writes it one turn later (it first checks that the
  // kept-alive socket was not closed meanwhile): judged in that turn, this answer would go before it. Two turns.
  await afterTurns(2);
}

/** A batch answer whose bytes hold no item status 429 or 503 and no busy code has no item that asks to wait, whatever else its JSON says. */
function cannotAskToWait(reply: Outcome<HttpReply>): boolean {
  if (!reply.ok || reply.value.status !== 200) return false;
  const { body } = reply.value;
  return !waitSignal.test(body.toString("latin1"));
}

function readReply(run: GraphRun, reply: Outcome<HttpReply>, token: string, context: RemediationContext): BatchReply {
  if (!reply.ok) return { kind: "failed", failure: reply.failure };
  const { status, headers, body } = reply.value;
  if (status === 401) forgetGraphToken(run.options.tokens, run.options.credentials, run.cloud, token);
  if (status !== 200) return { kind: "failed", failure: classifyGraphAnswer({ status, headers, body }, context, Date.now(), run.secrets.redact), status };
  const parsed = parseBatchAnswer(body, context);
  return parsed.ok ? { kind: "answers", answers: parsed.answers, token } : { kind: "failed", failure: parsed.failure };
}

/** Whether Graph asked the batch, or any of its items, to wait: judged `server-busy`, as checkBatch judges what it sends again. */
function asksToWait(sent: BatchReply): boolean {
  if (sent.kind === "failed") return sent.failure.category === "server-busy";
  for (const answer of sent.answers.values()) if (!("invalid" in answer) && (answer.status < 200 || answer.status >= 300) && isThrottled(answer)) return true;
  return false;
}

const entitySchema = z.object({ id: z.string().min(1) });
const listSchema = z.object({ value: z.array(z.object({ id: z.string().min(1) })) });

/** One item's answer: a 2xx whose body has the folder's shape, or the failure its error stands for. */
function judge(run: GraphRun, entry: BatchEntry, answer: ItemAnswer | undefined): FolderOutcome {
  const context: RemediationContext = {
    ...run.options.context,
    api: "graph",
    host: run.cloud.graphHost,
    address: entry.address,
    permission: folderPermissions[entry.folder],
    clientId: run.options.credentials.clientId,
  };
  if (answer === undefined) {
    return { ok: false, failure: makeFailure("invalid-response", { code: "GraphNoAnswer", message: `Microsoft Graph's batch answer has no item ${entry.id} (${entry.folder} of ${entry.address})`, transient: true, context }) };
  }
  if ("invalid" in answer) {
    return { ok: false, failure: makeFailure("invalid-response", { code: "GraphItemInvalid", message: `Microsoft Graph's batch answer for ${entry.folder} of ${entry.address}: ${run.secrets.redact(answer.invalid)}`, transient: true, context }) };
  }
  if (answer.status >= 200 && answer.status < 300) {
    const schema = entry.folder === "contacts" || entry.folder === "todo" ? listSchema : entitySchema;
    if (schema.safeParse(answer.body).success) return { ok: true };
    return { ok: false, failure: makeFailure("invalid-response", { code: "GraphUnexpectedBody", message: `Microsoft Graph answered ${entry.folder} of ${entry.address} with HTTP ${answer.status} but not the expected ${entry.folder === "contacts" || entry.folder === "todo" ? "list" : "folder"}`, transient: true, context }) };
  }
  return { ok: false, failure: classifyGraphAnswer(answer, context, Date.now(), run.secrets.redact) };
}

/** Every failure leaving the Graph check, redacted once more (a server may quote back what it was sent). */
export function redactCheck(check: MailboxCheck, secrets: SecretBook): MailboxCheck {
  return check.ok ? check : { ...check, error: redactFailure(check.error, secrets.redact) };
}
