import { makeFailure } from "../diagnosis/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import { limitOf, placeFreed, type Places } from "../util/places.js";
import { runWorkQueue } from "../util/work-queue.js";
import { discover, type Discovery } from "./autodiscover.js";
import { checkMailbox, discoveryFailed, type MailboxCheckResult, type MailboxToCheck } from "./mailbox-check.js";
import type { ProbeSession } from "./session.js";

/** One step of a mailbox's check: Autodiscover first when it has no cached EWS URL, then GetFolder. */
export type Step = { kind: "discover"; record: MailboxRecord } | { kind: "ews"; record: MailboxRecord; toCheck: MailboxToCheck };

/**
 * Checks many mailboxes of one profile within `places` at a time: first Autodiscover for the mailboxes with no
 * cached EWS URL, then EWS for all of them ordered by server. Working one host at a time lets kept-alive
 * connections serve request after request; interleaving Autodiscover and several EWS hosts would make the
 * connection budget trade sockets between hosts and pay a TLS handshake per request. The two steps are one
 * queue, not two passes: a mailbox's EWS check joins the queue (in server order) as soon as its discovery ends,
 * and a place freed once no discovery is left to start goes to EWS at once, so a slow discovery holds back only
 * its own mailbox, never the others' checks.
 */
export async function checkMailboxes(
  session: ProbeSession,
  mailboxes: readonly MailboxRecord[],
  places: Places,
  onChecked: (record: MailboxRecord, check: MailboxCheckResult) => Promise<void>,
): Promise<void> {
  const withDiscovery = session.profile.autodiscover;
  const initial: Step[] = mailboxes.map((record) =>
    withDiscovery && record.ewsUrl === undefined ? { kind: "discover", record } : { kind: "ews", record, toCheck: toCheck(record, undefined) },
  );
  // Discoveries (another host) beside Test Connection's requests would make the budget trade sockets between
  // hosts, more TLS handshakes than connections: with any to do, the checks start once Test Connection is done.
  const discovering = initial.some((step) => step.kind === "discover");
  if (discovering) await placeFreed(places);
  await runWorkQueue(initial, discovering ? limitOf(places) : places, stepOrder, async (step, add) => {
    const { record } = step;
    if (step.kind === "discover") {
      const found = await discover(session, record.address).catch((error: unknown) => ({ ok: false as const, failure: unexpected(record, error) }));
      if (found.ok) add({ kind: "ews", record, toCheck: toCheck(record, found.value) });
      else await onChecked(record, discoveryFailed(record.address, record.wanted, found.failure));
      return;
    }
    await onChecked(record, await checkMailbox(session, step.toCheck).catch((error) => crashed(record, error)));
  });
}

/**
 * Discoveries first (in the given order), then EWS checks grouped by server; within a server, the mailboxes
 * whose last check timed out go first. A timeout holds its connection for the whole timeout: started first, it
 * runs beside the quick checks; started last, it would keep the cycle open for a timeout after everything else.
 */
export function stepOrder(a: Step, b: Step): number {
  if (a.kind !== b.kind) return a.kind === "discover" ? -1 : 1;
  if (a.kind === "discover" || b.kind === "discover") return 0;
  const serverA = serverOf(a.toCheck);
  const serverB = serverOf(b.toCheck);
  if (serverA !== serverB) return serverA < serverB ? -1 : 1;
  return Number(timedOutLastTime(b.record)) - Number(timedOutLastTime(a.record));
}

function timedOutLastTime(record: MailboxRecord): boolean {
  return record.lastError?.category === "timeout";
}

/** A bug met while checking one mailbox is that mailbox's failure, never the end of the others' checks. */
function crashed(record: MailboxRecord, error: unknown) {
  return discoveryFailed(record.address, record.wanted, unexpected(record, error));
}

function unexpected(record: MailboxRecord, error: unknown) {
  return makeFailure("invalid-response", {
    code: "internal-error",
    message: `The check stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
    context: { address: record.address },
  });
}

function toCheck(record: MailboxRecord, discovered: Discovery | undefined): MailboxToCheck {
  const mailbox: MailboxToCheck = { address: record.address, wanted: record.wanted };
  if (discovered !== undefined) mailbox.discovered = discovered;
  else if (record.ewsUrl !== undefined) mailbox.cachedEwsUrl = record.ewsUrl;
  return mailbox;
}

function serverOf(mailbox: MailboxToCheck): string {
  return mailbox.discovered?.ewsUrl ?? mailbox.cachedEwsUrl ?? "";
}
