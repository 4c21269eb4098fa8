import type { TableEntityResult } from "@azure/data-tables";
import type { StepResult } from "../model/connection.js";
import type { MailboxState } from "../model/mailbox.js";
import type { CheckedReadiness } from "../model/readiness.js";
import type { Health, ProfileSummary, TestConnectionSummary } from "../model/summary.js";
import { ignoreNotFound, statusOf } from "./batch.js";
import { compactFailure, decodeKeyPart, encodeKeyPart, jsonColumn, optionalString, parseJsonColumn } from "./keys.js";
import { getOrUndefined } from "./rows.js";
import type { Storage } from "./storage.js";

/**
 * The `summaries` table: one entity per profile (partition "summary", row profile id) holding everything the
 * status list shows, so reading every profile's status costs one request per 1000 profiles.
 */

const partitionKey = "summary";

export type SummaryFields = Omit<ProfileSummary, "profileId">;

/** What `mergeSummary` takes: some fields; `profileFailure: null` clears that one. */
export type SummaryUpdate = Partial<Omit<SummaryFields, "profileFailure">> & { profileFailure?: ProfileSummary["profileFailure"] | null };

type SummaryEntity = Record<string, string | number>;

const emptyStates: Record<MailboxState, number> = { "pending-approval": 0, enabled: 0, retrying: 0, disabled: 0 };

/** A summary for a profile nobody has probed yet. */
export function unknownSummary(profile: { id: string; name: string; owner: string; serverType: string }, now: Date): ProfileSummary {
  const at = now.toISOString();
  return {
    profileId: profile.id,
    name: profile.name,
    owner: profile.owner,
    serverType: profile.serverType,
    health: "unknown",
    lastHour: { processed: 0, failed: 0, succeeded: 0, failurePercent: 0, from: at, to: at },
    hourly: [],
    certificates: [],
    mailboxStates: { ...emptyStates },
    emailsSent: 0,
    updatedAt: at,
  };
}

export async function writeSummary(storage: Storage, summary: ProfileSummary): Promise<void> {
  const { profileId, ...fields } = summary;
  const table = await storage.table("summaries");
  await table.upsertEntity({ partitionKey, rowKey: encodeKeyPart(profileId), ...encodeFields(fields) }, "Replace");
}

/** Merges some fields into an existing summary; "not-found" when the profile has none (it was deleted). */
export async function mergeSummary(storage: Storage, profileId: string, partial: SummaryUpdate): Promise<"merged" | "not-found"> {
  const table = await storage.table("summaries");
  const merged = await ignoreNotFound(() =>
    table.updateEntity({ partitionKey, rowKey: encodeKeyPart(profileId), ...encodeFields(partial) }, "Merge", { etag: "*" }),
  );
  return merged ? "merged" : "not-found";
}

export async function readSummary(storage: Storage, profileId: string): Promise<ProfileSummary | undefined> {
  const e = await getOrUndefined<SummaryEntity>(await storage.table("summaries"), partitionKey, encodeKeyPart(profileId));
  return e === undefined ? undefined : decode(e);
}

export async function deleteSummary(storage: Storage, profileId: string): Promise<boolean> {
  const table = await storage.table("summaries");
  return ignoreNotFound(() => table.deleteEntity(partitionKey, encodeKeyPart(profileId)));
}

export interface SummaryPage {
  summaries: ProfileSummary[];
  continuationToken?: string;
}

/** One page of summaries in profile id order (at most 1000, the service's page size). */
export async function listSummaries(storage: Storage, options: { top?: number; continuationToken?: string } = {}): Promise<SummaryPage> {
  const table = await storage.table("summaries");
  const pages = table
    .listEntities<SummaryEntity>({ queryOptions: { filter: `PartitionKey eq '${partitionKey}'` } })
    .byPage({ maxPageSize: Math.min(options.top ?? 1000, 1000), ...(options.continuationToken ? { continuationToken: options.continuationToken } : {}) });
  const first = await pages.next();
  if (first.done === true) return { summaries: [] };
  const page: SummaryPage = { summaries: first.value.map(decode) };
  if (first.value.continuationToken !== undefined) page.continuationToken = first.value.continuationToken;
  return page;
}

/** How many mailboxes each profile's summary last counted (the schedule cuts its shards by it): that column alone is read. */
export async function listMailboxCounts(storage: Storage): Promise<Map<string, number>> {
  const rows = await (await storage.table("summaries")).rowsWhere<SummaryEntity>(`PartitionKey eq '${partitionKey}'`, ["RowKey", "mailboxStates"]);
  const count = (states: Record<MailboxState, number>) => Object.values(states).reduce((a, b) => a + b, 0);
  return new Map(rows.map((e) => [decodeKeyPart(e.rowKey!), count({ ...emptyStates, ...parseJsonColumn(e.mailboxStates, {}) })]));
}

/** Every profile's summary: one request per 1000 profiles. */
export async function listAllSummaries(storage: Storage): Promise<ProfileSummary[]> {
  const all: ProfileSummary[] = [];
  let token: string | undefined;
  do {
    const page: SummaryPage = await listSummaries(storage, token === undefined ? {} : { continuationToken: token });
    all.push(...page.summaries);
    token = page.continuationToken;
  } while (token !== undefined);
  return all;
}

function encodeFields(fields: SummaryUpdate): SummaryEntity {
  const e: SummaryEntity = {};
  for (const key of ["name", "owner", "serverType", "health", "lastEmailAt", "updatedAt"] as const) {
    const value = fields[key];
    if (value !== undefined) e[key] = value;
  }
  if (fields.emailsSent !== undefined) e.emailsSent = fields.emailsSent;
  if (fields.lastHour !== undefined) e.lastHour = jsonColumn("lastHour", fields.lastHour);
  if (fields.hourly !== undefined) e.hourly = jsonColumn("hourly", fields.hourly);
  if (fields.lastTestConnection !== undefined) e.lastTestConnection = jsonColumn("lastTestConnection", compactRun(fields.lastTestConnection));
  if (fields.certificates !== undefined) e.certificates = jsonColumn("certificates", fields.certificates);
  if (fields.server !== undefined) e.server = jsonColumn("server", fields.server);
  if (fields.mailboxStates !== undefined) e.mailboxStates = jsonColumn("mailboxStates", fields.mailboxStates);
  if (fields.readiness !== undefined) e.readiness = jsonColumn("readiness", fields.readiness);
  if (fields.dynamics !== undefined) e.dynamics = jsonColumn("dynamics", fields.dynamics);
  if (fields.lastEmail !== undefined) e.lastEmail = jsonColumn("lastEmail", fields.lastEmail);
  // null clears it: Merge cannot remove a column, an empty one reads back as absent.
  if (fields.profileFailure !== undefined) e.profileFailure = fields.profileFailure === null ? "" : jsonColumn("profileFailure", { ...fields.profileFailure, failure: compactFailure(fields.profileFailure.failure) });
  if (fields.emailOutcomes !== undefined) e.emailOutcomes = jsonColumn("emailOutcomes", fields.emailOutcomes);
  return e;
}

function compactRun(run: TestConnectionSummary): TestConnectionSummary {
  return { ...run, steps: compactSteps(run.steps) };
}

export function compactSteps(steps: readonly StepResult[]): StepResult[] {
  return steps.map((s) => (s.ok === false ? { ...s, error: compactFailure(s.error) } : s));
}

function decode(e: TableEntityResult<SummaryEntity>): ProfileSummary {
  const at = optionalString(e.updatedAt) ?? new Date(0).toISOString();
  const summary: ProfileSummary = {
    profileId: decodeKeyPart(e.rowKey!),
    name: String(e.name ?? ""),
    owner: String(e.owner ?? ""),
    serverType: String(e.serverType ?? ""),
    health: (optionalString(e.health) ?? "unknown") as Health,
    lastHour: parseJsonColumn(e.lastHour, { processed: 0, failed: 0, succeeded: 0, failurePercent: 0, from: at, to: at }),
    hourly: parseJsonColumn(e.hourly, []),
    certificates: parseJsonColumn(e.certificates, []),
    mailboxStates: { ...emptyStates, ...parseJsonColumn(e.mailboxStates, {}) },
    emailsSent: Number(e.emailsSent ?? 0),
    updatedAt: at,
  };
  const run = parseJsonColumn<TestConnectionSummary | undefined>(e.lastTestConnection, undefined);
  if (run !== undefined) summary.lastTestConnection = run;
  const server = parseJsonColumn<ProfileSummary["server"]>(e.server, undefined);
  if (server !== undefined) summary.server = server;
  const readiness = parseJsonColumn<CheckedReadiness | undefined>(e.readiness, undefined);
  if (readiness !== undefined) summary.readiness = readiness;
  const dynamics = parseJsonColumn<ProfileSummary["dynamics"]>(e.dynamics, undefined);
  if (dynamics !== undefined) summary.dynamics = dynamics;
  const lastEmail = parseJsonColumn<ProfileSummary["lastEmail"]>(e.lastEmail, undefined);
  if (lastEmail !== undefined) summary.lastEmail = lastEmail;
  const emailOutcomes = parseJsonColumn<ProfileSummary["emailOutcomes"]>(e.emailOutcomes, undefined);
  if (emailOutcomes !== undefined) summary.emailOutcomes = emailOutcomes;
  const profileFailure = parseJsonColumn<ProfileSummary["profileFailure"]>(e.profileFailure, undefined);
  if (profileFailure !== undefined) summary.profileFailure = profileFailure;
  const lastEmailAt = optionalString(e.lastEmailAt);
  if (lastEmailAt !== undefined) summary.lastEmailAt = lastEmailAt;
  return summary;
}
