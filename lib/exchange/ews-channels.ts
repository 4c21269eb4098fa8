import type { ChannelName, ChannelStatuses } from "../model/connection.js";

export const distinguishedFolders = ["inbox", "sentitems", "calendar", "contacts", "tasks"] as const;
export type DistinguishedFolder = (typeof distinguishedFolders)[number];

export type FolderResult = { ok: true } | { ok: false; responseCode: string; message: string; backOffMs?: number };
/** One entry per folder that was asked for. */
export type FolderResults = Partial<Record<DistinguishedFolder, FolderResult>>;

/** The folders each synchronization channel needs to read. */
export const channelFolders: Readonly<Record<ChannelName, readonly DistinguishedFolder[]>> = {
  incoming: ["inbox"],
  outgoing: ["sentitems"],
  appointmentsContactsTasks: ["calendar", "contacts", "tasks"],
};

/** The folders to ask for when probing these channels, in canonical order. */
export function foldersFor(wanted: readonly ChannelName[]): DistinguishedFolder[] {
  const needed = new Set(wanted.flatMap((c) => channelFolders[c]));
  return distinguishedFolders.filter((f) => needed.has(f));
}

/** A wanted channel succeeds when every folder it needs answered; unwanted channels are "not-run". */
export function channelsFromFolders(folders: FolderResults, wanted: readonly ChannelName[]): ChannelStatuses {
  const status = (channel: ChannelName) =>
    !wanted.includes(channel)
      ? "not-run"
      : channelFolders[channel].every((f) => folders[f]?.ok === true)
        ? "success"
        : "failure";
  return {
    incoming: status("incoming"),
    outgoing: status("outgoing"),
    appointmentsContactsTasks: status("appointmentsContactsTasks"),
  };
}

/** The first folder that failed, in canonical order, to report as the mailbox's error. */
export function firstFolderError(
  folders: FolderResults,
): { folder: DistinguishedFolder; responseCode: string; message: string; backOffMs?: number } | undefined {
  for (const folder of distinguishedFolders) {
    const result = folders[folder];
    if (result && !result.ok) {
      const { ok: _ok, ...error } = result;
      return { folder, ...error };
    }
  }
  return undefined;
}
