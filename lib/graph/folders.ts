import type { ChannelName } from "../model/connection.js";

/** The Graph requests that answer Test & Enable's questions, one per folder. */
export const graphFolders = ["inbox", "sentitems", "calendar", "contacts", "todo"] as const;
export type GraphFolder = (typeof graphFolders)[number];

/** Path under /users/{address}/ of each folder's request. */
export const folderPaths: Readonly<Record<GraphFolder, string>> = {
  inbox: "mailFolders/inbox?$select=id",
  sentitems: "mailFolders/sentitems?$select=id",
  calendar: "calendar?$select=id",
  contacts: "contacts?$top=1&$select=id",
  todo: "todo/lists?$top=1",
};

/** The application permission server-side synchronization uses for each folder (named in the remediation). */
export const folderPermissions: Readonly<Record<GraphFolder, string>> = {
  inbox: "Mail.ReadWrite",
  sentitems: "Mail.ReadWrite",
  calendar: "Calendars.ReadWrite",
  contacts: "Contacts.ReadWrite",
  todo: "Tasks.ReadWrite.All",
};

export const channelGraphFolders: Readonly<Record<ChannelName, readonly GraphFolder[]>> = {
  incoming: ["inbox"],
  outgoing: ["sentitems"],
  appointmentsContactsTasks: ["calendar", "contacts", "todo"],
};

/** The folders to ask for these channels, in canonical order; To Do left out where the cloud has none. */
export function graphFoldersFor(wanted: readonly ChannelName[], todoOffered: boolean): GraphFolder[] {
  const needed = new Set(wanted.flatMap((c) => channelGraphFolders[c]));
  return graphFolders.filter((f) => needed.has(f) && (f !== "todo" || todoOffered));
}

export const folderUrl = (address: string, folder: GraphFolder): string => `/users/${encodeURIComponent(address)}/${folderPaths[folder]}`;
