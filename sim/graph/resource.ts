/** The Graph requests the simulator answers, parsed from a path relative to /v1.0. */
export type GraphFolder = "inbox" | "sentitems" | "calendar" | "contacts" | "todo";

export type GraphResource = { kind: "folder"; mailbox: string; folder: GraphFolder } | { kind: "unknown"; segment: string };

/** `/users/{address}/mailFolders/inbox?$select=id` and its siblings; anything else is unknown. */
export function parseResource(relativeUrl: string): GraphResource {
  const path = relativeUrl.split("?")[0] ?? "";
  const segments = path.split("/").filter(Boolean).map((s) => safeDecode(s));
  const [users, id, ...rest] = segments;
  if (users?.toLowerCase() !== "users" || !id) return { kind: "unknown", segment: users ?? "" };
  const tail = rest.map((s) => s.toLowerCase()).join("/");
  const folder: GraphFolder | undefined =
    tail === "mailfolders/inbox" ? "inbox"
    : tail === "mailfolders/sentitems" ? "sentitems"
    : tail === "calendar" ? "calendar"
    : tail === "contacts" ? "contacts"
    : tail === "todo/lists" ? "todo"
    : undefined;
  return folder ? { kind: "folder", mailbox: id.toLowerCase(), folder } : { kind: "unknown", segment: rest[rest.length - 1] ?? id };
}

/** The application roles, any one of which lets an app read the folder. */
export const rolesFor: Readonly<Record<GraphFolder, readonly string[]>> = {
  inbox: ["Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
  sentitems: ["Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
  calendar: ["Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"],
  contacts: ["Contacts.Read", "Contacts.ReadWrite"],
  todo: ["Tasks.Read.All", "Tasks.ReadWrite.All"],
};

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
