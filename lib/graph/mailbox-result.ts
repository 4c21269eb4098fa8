import { channelNames, type ChannelName, type ChannelStatuses, type MailboxCheck } from "../model/connection.js";
import { makeFailure } from "../diagnosis/failure.js";
import type { Failure } from "../model/failure.js";
import { channelGraphFolders, graphFolders, type GraphFolder } from "./folders.js";

export type FolderOutcome = { ok: true } | { ok: false; failure: Failure };

export const todoNotOffered =
  "Microsoft To Do is not offered in 21Vianet, so tasks cannot be checked there: the appointments, contacts and tasks channel is judged on the calendar and contacts.";

/**
 * A mailbox's check from its folders' answers: a wanted channel succeeds when every folder it needs
 * answered (To Do left out where the cloud has none), unwanted channels are not-run, and the error is
 * the first failed folder in canonical order.
 */
export function mailboxCheckFrom(
  address: string,
  wanted: readonly ChannelName[],
  outcomes: ReadonlyMap<GraphFolder, FolderOutcome>,
  todoOffered: boolean,
  elapsedMs: number,
): MailboxCheck {
  const counted = (c: ChannelName) => channelGraphFolders[c].filter((f) => f !== "todo" || todoOffered);
  const status = (c: ChannelName) => (!wanted.includes(c) ? "not-run" : counted(c).every((f) => outcomes.get(f)?.ok === true) ? "success" : "failure");
  const channels = Object.fromEntries(channelNames.map((c) => [c, status(c)])) as ChannelStatuses;
  const needed = new Set(wanted.flatMap(counted));
  const firstFailure = graphFolders
    .filter((f) => needed.has(f))
    .map((f) => outcomes.get(f) ?? missing)
    .find((o): o is Extract<FolderOutcome, { ok: false }> => !o.ok);
  const notes = !todoOffered && wanted.includes("appointmentsContactsTasks") ? { notes: [todoNotOffered] } : {};
  return firstFailure === undefined
    ? { address, ok: true, channels, elapsedMs, ...notes }
    : { address, ok: false, channels, elapsedMs, error: firstFailure.failure, ...notes };
}

/** Every wanted channel failed with one failure (the token, the network or the batch as a whole). */
export function mailboxFailed(address: string, wanted: readonly ChannelName[], failure: Failure, elapsedMs = 0): MailboxCheck {
  const channels = Object.fromEntries(channelNames.map((c) => [c, wanted.includes(c) ? "failure" : "not-run"])) as ChannelStatuses;
  return { address, ok: false, channels, elapsedMs, error: failure };
}

/** A folder with no outcome never counts as success (the check records one for every folder it asked for). */
const missing: FolderOutcome = {
  ok: false,
  failure: makeFailure("invalid-response", { code: "GraphNoAnswer", message: "Microsoft Graph gave no answer for this request", context: { api: "graph" } }),
};
