import { makeFailure } from "../diagnosis/failure.js";
import type { MailboxRecord } from "../model/mailbox.js";
import { discover, type Discovery } from "./autodiscover.js";
import { inParallel } from "../util/in-parallel.js";
import { checkMailbox, discoveryFailed, type MailboxCheckResult, type MailboxToCheck } from "./mailbox-check.js";
import type { ProbeSession } from "./session.js";

/**
 * Checks many mailboxes of one profile within `limit` at a time, in two passes: first Autodiscover for the
 * mailboxes with no cached EWS URL, then EWS for all of them ordered by server. Working one host at a time
 * lets kept-alive connections serve request after request; interleaving Autodiscover and several EWS hosts
 * would make the connection budget trade sockets between hosts and pay a TLS handshake per request.
 */
export async function checkMailboxes(
  session: ProbeSession,
  mailboxes: readonly MailboxRecord[],
  limit: number,
  onChecked: (record: MailboxRecord, check: MailboxCheckResult) => Promise<void>,
): Promise<void> {
  const discoveries = new Map<string, Discovery>();
  const needDiscovery = session.profile.autodiscover ? mailboxes.filter((m) => m.ewsUrl === undefined) : [];
  await inParallel(needDiscovery, limit, async (record) => {
    const found = await discover(session, record.address).catch((error: unknown) => ({ ok: false as const, failure: unexpected(record, error) }));
    if (found.ok) discoveries.set(record.address, found.value);
    else await onChecked(record, discoveryFailed(record.address, record.wanted, found.failure));
  });

  const located = mailboxes
    .filter((m) => !needDiscovery.includes(m) || discoveries.has(m.address))
    .map((record) => ({ record, toCheck: toCheck(record, discoveries.get(record.address)) }))
    .sort((a, b) => serverOf(a.toCheck).localeCompare(serverOf(b.toCheck)));
  await inParallel(located, limit, async ({ record, toCheck }) => onChecked(record, await checkMailbox(session, toCheck).catch((error) => crashed(record, error))));
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
