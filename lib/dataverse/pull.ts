import type { Failure } from "../model/failure.js";
import type { AppRef } from "../model/readiness.js";
import { fail, succeed, type Outcome } from "../model/result.js";
import { inParallel } from "../util/in-parallel.js";
import type { DataverseClient } from "./client.js";
import type { DataverseMap } from "./map-file.js";
import { mapRecords, type ImportedProfile, type Skipped } from "./map-records.js";
import { serverTypeOf } from "./server-type.js";
import { isFailing, type LastTest } from "./verdict.js";
import {
  mailboxColumns,
  mailboxRecord,
  profileColumns,
  profileRecord,
  traceLogColumns,
  traceLogRecord,
  userColumns,
  userRecord,
  type MailboxRecordWire,
  type ProfileRecord,
  type TraceLogRecord,
} from "./wire.js";

/** Everything one pull read from Dataverse, before it is turned into monitor profiles. */
export interface EnvironmentRead {
  environment: string;
  profiles: ProfileRecord[];
  /** Active mailboxes by emailserverprofileid (lower case), for the Exchange profiles only. */
  mailboxes: Map<string, MailboxRecordWire[]>;
  /** Owner's primary email address by systemuserid (lower case); null when Dataverse has no such user or no address. */
  owners: Map<string, string | null>;
  tracelogs: TraceLogRecord[];
  /** Records that failed validation, with their reasons. */
  invalid: Skipped[];
  /** What could not be read without making the pull fail (the trace logs). */
  warnings: Failure[];
  /** HTTP requests to Dataverse, retries included. */
  requests: number;
}

export interface ReadOptions {
  /** Error trace logs newer than this many hours are read (default 24). */
  tracelogHours?: number;
  /** Profiles whose mailboxes are read at the same time (default 4). */
  parallelProfiles?: number;
  now?: number;
}

const guidOnly = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Dynamics fails the mailbox on some channel (status 2 = Failure). */
/** The organisation's newest error trace logs read, at most: one page (Dataverse does not page a read with $top). */
const newestTraceLogs = 5_000;

const failingInDynamics = (m: MailboxRecordWire): boolean => m.incomingemailstatus === 2 || m.outgoingemailstatus === 2 || m.actstatus === 2;

/**
 * Reads a pull: active profiles page by page, the active mailboxes of each Exchange profile, the profiles'
 * owners, and the recent error trace logs. Any read that fails (after the client's 429 retries) fails the pull,
 * so that a sync never mistakes an unread profile for an empty one; only the trace logs are optional.
 */
export async function readEnvironment(client: DataverseClient, options: ReadOptions = {}): Promise<Outcome<EnvironmentRead>> {
  const now = options.now ?? Date.now();
  const read: EnvironmentRead = { environment: client.context.environment, profiles: [], mailboxes: new Map(), owners: new Map(), tracelogs: [], invalid: [], warnings: [], requests: 0 };
  const done = (): Outcome<EnvironmentRead> => {
    read.requests = client.requests;
    return succeed(read);
  };

  const profiles = await client.readAll("emailserverprofiles", { select: profileColumns, filter: "statecode eq 0" }, profileRecord, "emailserverprofileid");
  if (!profiles.ok) return profiles;
  read.profiles = profiles.value.records;
  read.invalid.push(...profiles.value.invalid);

  const exchange = read.profiles.filter((p) => serverTypeOf(p).ok);
  let failure: Failure | undefined;
  await inParallel(exchange, options.parallelProfiles ?? 4, async (p) => {
    if (failure) return;
    const id = p.emailserverprofileid.toLowerCase();
    const mailboxes = await client.readAll("mailboxes", { select: mailboxColumns, filter: `_emailserverprofile_value eq ${id} and statecode eq 0` }, mailboxRecord, "mailboxid");
    if (!mailboxes.ok) {
      failure ??= mailboxes.failure;
      return;
    }
    read.mailboxes.set(id, mailboxes.value.records);
    read.invalid.push(...mailboxes.value.invalid);
  });
  if (failure) return fail(failure);

  const ownerIds = [...new Set(exchange.map((p) => p._ownerid_value?.toLowerCase()).filter((v): v is string => v !== undefined && guidOnly.test(v)))];
  for (const ownerId of ownerIds) {
    const user = await client.readOne("systemusers", ownerId, userColumns, userRecord, "systemuserid");
    if (!user.ok) return user;
    read.owners.set(ownerId, user.value?.internalemailaddress ?? null);
  }

  const failingIds = new Set<string>();
  for (const list of read.mailboxes.values()) for (const m of list) if (failingInDynamics(m)) failingIds.add(m.mailboxid.toLowerCase());
  if (failingIds.size > 0) {
    const since = new Date(now - (options.tracelogHours ?? 24) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const traces = await client.readAll("tracelogs", { select: traceLogColumns, filter: `level eq 3 and createdon gt ${since}`, orderBy: "createdon desc", top: newestTraceLogs }, traceLogRecord, "tracelogid");
    if (traces.ok) {
      read.tracelogs = traces.value.records.filter((t) => t._regardingobjectid_value !== null && failingIds.has(t._regardingobjectid_value.toLowerCase()));
    } else {
      read.warnings.push(traces.failure);
    }
  }
  return done();
}

/** One profile in `dataverse pull --json`. */
export interface PulledProfileSummary {
  id: string;
  name: string;
  serverType: string;
  credentials: "mapped" | "missing";
  mailboxCount: number;
  approvedCount: number;
  dynamics: { lastTest: LastTest; failingMailboxes: number };
  /** The app registration synchronization signs in as (exchangeonlinetenantid, oauthclientid), when Dataverse names it. */
  syncApp?: AppRef;
}

/** The object `exchange-sync-monitor dataverse pull --json` prints. */
export interface PullJson {
  profiles: PulledProfileSummary[];
  skipped: Skipped[];
}

export interface PullResult {
  /** What a sync writes. */
  profiles: ImportedProfile[];
  skipped: Skipped[];
  json: PullJson;
}

/** The pull as a pure function of what was read and the map file. */
export function buildPull(read: EnvironmentRead, map: DataverseMap): PullResult {
  const mapped = mapRecords({ environment: read.environment, profiles: read.profiles, mailboxes: read.mailboxes, owners: read.owners, tracelogs: read.tracelogs, map });
  const skipped = [...read.invalid, ...mapped.skipped];
  return { profiles: mapped.profiles, skipped, json: { profiles: mapped.profiles.map(summarize), skipped } };
}

export function summarize(p: ImportedProfile): PulledProfileSummary {
  return {
    id: p.source.id,
    name: p.profile.name,
    serverType: p.profile.serverType,
    credentials: p.credentials,
    mailboxCount: p.mailboxes.length,
    approvedCount: p.mailboxes.filter((m) => m.config.approved).length,
    dynamics: { lastTest: p.lastTest.status, failingMailboxes: p.mailboxes.filter((m) => isFailing(m.dynamics)).length },
    ...(p.profile.syncApp === undefined ? {} : { syncApp: p.profile.syncApp }),
  };
}
