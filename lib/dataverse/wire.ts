import { z } from "zod";

/**
 * The Dataverse Web API records the monitor reads, as the API returns them: logical names, lookups as
 * `_name_value`, choices as numbers, dates as ISO strings. Unknown columns and annotations are ignored.
 * Each record is validated on its own so that one odd record is skipped with its reason, never the whole read.
 */

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID");
const text = z.string().nullish().transform((v) => v ?? null);
const int = z.number().int().nullish().transform((v) => v ?? null);
const flag = z.boolean().nullish().transform((v) => v ?? null);
const lookup = guid.nullish().transform((v) => v ?? null);
/**
 * A GUID that Dataverse keeps in a text column (exchangeonlinetenantid, oauthclientid): blank is none, surrounding
 * spaces are dropped, anything else must be a GUID — the record is skipped with the column named, the others stay.
 */
const guidText = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v.trim() === "" ? null : v.trim()))
  .pipe(guid.nullable());

export const profileColumns = [
  "emailserverprofileid",
  "name",
  "servertype",
  "useautodiscover",
  "incomingserverlocation",
  "outgoingserverlocation",
  "incomingauthenticationprotocol",
  "incomingcredentialretrieval",
  "exchangeonlinetenantid",
  "oauthclientid",
  "maxconcurrentconnections",
  "minpollingintervalinminutes",
  "sendemailalert",
  "_ownerid_value",
  "statecode",
  "lasttestexecutionstatus",
  "lastteststarttime",
  "lasttestresponse",
] as const;

export const profileRecord = z.object({
  emailserverprofileid: guid,
  name: text,
  servertype: int,
  useautodiscover: flag,
  incomingserverlocation: text,
  outgoingserverlocation: text,
  incomingauthenticationprotocol: int,
  incomingcredentialretrieval: int,
  exchangeonlinetenantid: guidText,
  oauthclientid: guidText,
  maxconcurrentconnections: int,
  minpollingintervalinminutes: int,
  sendemailalert: flag,
  _ownerid_value: lookup,
  statecode: int,
  lasttestexecutionstatus: int,
  lastteststarttime: text,
  lasttestresponse: text,
});
export type ProfileRecord = z.output<typeof profileRecord>;

export const mailboxColumns = [
  "mailboxid",
  "emailaddress",
  "_emailserverprofile_value",
  "emailrouteraccessapproval",
  "isemailaddressapprovedbyo365admin",
  "incomingemaildeliverymethod",
  "outgoingemaildeliverymethod",
  "actdeliverymethod",
  "incomingemailstatus",
  "outgoingemailstatus",
  "actstatus",
  "enabledforincomingemail",
  "enabledforoutgoingemail",
  "enabledforact",
  "processinglastattemptedon",
  "postponemailboxprocessinguntil",
  "lastsuccessfulsynccompletedon",
  "lastsyncerror",
  "lastsyncerrorcode",
  "lastsyncerrorcount",
  "lastsyncerroroccurredon",
  "transientfailurecount",
  "ewsurl",
] as const;

export const mailboxRecord = z.object({
  mailboxid: guid,
  emailaddress: text,
  _emailserverprofile_value: lookup,
  emailrouteraccessapproval: int,
  isemailaddressapprovedbyo365admin: flag,
  incomingemaildeliverymethod: int,
  outgoingemaildeliverymethod: int,
  actdeliverymethod: int,
  incomingemailstatus: int,
  outgoingemailstatus: int,
  actstatus: int,
  enabledforincomingemail: flag,
  enabledforoutgoingemail: flag,
  enabledforact: flag,
  processinglastattemptedon: text,
  postponemailboxprocessinguntil: text,
  lastsuccessfulsynccompletedon: text,
  lastsyncerror: text,
  lastsyncerrorcode: int,
  lastsyncerrorcount: int,
  lastsyncerroroccurredon: text,
  transientfailurecount: int,
  ewsurl: text,
});
export type MailboxRecordWire = z.output<typeof mailboxRecord>;

export const userColumns = ["systemuserid", "internalemailaddress"] as const;
export const userRecord = z.object({ systemuserid: guid, internalemailaddress: text });
export type UserRecord = z.output<typeof userRecord>;

export const traceLogColumns = ["tracelogid", "_regardingobjectid_value", "level", "tracecode", "text", "createdon"] as const;
export const traceLogRecord = z.object({
  tracelogid: guid,
  _regardingobjectid_value: lookup,
  level: z.number().int(),
  tracecode: int,
  text: text,
  createdon: z.string(),
});
export type TraceLogRecord = z.output<typeof traceLogRecord>;

/** One page of a collection: the records stay unknown until each is validated on its own. */
export const collectionPage = z.object({
  value: z.array(z.unknown()),
  "@odata.nextLink": z.string().optional(),
});

/** The OData error body: `{"error":{"code","message"}}`. */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type RecordCheck<T> = { ok: true; record: T } | { ok: false; id: string; reason: string };

/** Validates one record; a failure names the record (its key when it has one, and its name) and every wrong column. */
export function checkRecord<T>(schema: z.ZodType<T>, key: string, raw: unknown): RecordCheck<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  const column = (name: string): string | undefined => {
    const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
    return typeof value === "string" ? value : undefined;
  };
  const id = column(key) ?? "(no id)";
  const name = column("name")?.trim();
  const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(record)"}: ${i.message}`).join("; ");
  return { ok: false, id, reason: `invalid record${name ? ` "${name.slice(0, 200)}"` : ""}: ${reason}` };
}
