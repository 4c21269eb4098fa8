import { classifyEwsError } from "../diagnosis/classify.js";
import { channelsFromFolders, firstFolderError, foldersFor, type DistinguishedFolder, type FolderResults } from "../exchange/ews-getfolder.js";
import type { ServerBuild } from "../exchange/server-version.js";
import { redactFault } from "../exchange/classify-http.js";
import { redactDeep } from "../diagnosis/redact.js";
import { channelNames, type ChannelName, type ChannelStatuses, type MailboxCheck } from "../model/connection.js";
import type { Failure, FailureCategory } from "../model/failure.js";
import { discover, type Discovery } from "./autodiscover.js";
import { getFolders, type EwsReach } from "./ews-check.js";
import type { ProbeSession } from "./session.js";

export interface MailboxToCheck {
  address: string;
  wanted: Record<ChannelName, boolean>;
  /** The EWS URL found by an earlier discovery, used until it stops being right. */
  cachedEwsUrl?: string;
  /** The EWS URL to ask as is, never rediscovered: Autodiscover's answer of this cycle, or the URL Test Connection tests. */
  discovered?: EwsLocation;
}

/** Where a mailbox's EWS is, and the server's build when Autodiscover said it. */
export type EwsLocation = Pick<Discovery, "ewsUrl" | "server">;

/** `reached`: how far the check's last request got (Test Connection tells its steps apart by it). */
export type MailboxCheckResult = MailboxCheck & { server?: ServerBuild; rediscovered: boolean; reached: EwsReach };

/** A cached URL that fails like this means the mailbox lives elsewhere now: ask Autodiscover again. */
const rediscoverOn: ReadonlySet<FailureCategory> = new Set<FailureCategory>(["mailbox-moved", "dns", "connection-refused", "connect-timeout"]);

/** Test & Enable's checks for one mailbox: where it lives, and whether each wanted channel's folders open; nothing in it quotes a secret. */
export async function checkMailbox(session: ProbeSession, mailbox: MailboxToCheck): Promise<MailboxCheckResult> {
  const { server, ...result } = await checkMailboxOnce(session, mailbox);
  const redacted: MailboxCheckResult = redactDeep(result, session.redact);
  if (server !== undefined) redacted.server = server;
  return redacted;
}

async function checkMailboxOnce(session: ProbeSession, mailbox: MailboxToCheck): Promise<MailboxCheckResult> {
  const started = performance.now();
  const wanted = channelNames.filter((c) => mailbox.wanted[c]);
  const folders = foldersFor(wanted.length > 0 ? wanted : ["incoming"]);
  const elapsed = () => Math.round(performance.now() - started);

  if (mailbox.discovered !== undefined) {
    const result = await checkAt(session, mailbox.address, wanted, folders, mailbox.discovered.ewsUrl, mailbox.discovered.server);
    return { ...result, elapsedMs: elapsed(), rediscovered: false };
  }
  let result = await checkAt(session, mailbox.address, wanted, folders, mailbox.cachedEwsUrl);
  let rediscovered = false;
  if (mailbox.cachedEwsUrl !== undefined && !result.ok && rediscoverOn.has(result.error.category)) {
    rediscovered = true;
    result = await checkAt(session, mailbox.address, wanted, folders, undefined);
  }
  return { ...result, elapsedMs: elapsed(), rediscovered };
}

/** A check before its total time and rediscovery flag are known. */
type CheckSoFar = MailboxCheck & { server?: ServerBuild; reached: EwsReach };

async function checkAt(
  session: ProbeSession,
  address: string,
  wanted: ChannelName[],
  folders: DistinguishedFolder[],
  cachedUrl: string | undefined,
  knownServer?: ServerBuild,
): Promise<CheckSoFar> {
  const targets = await locate(session, address, folders, cachedUrl);
  if (!targets.ok) return failed(address, wanted, targets.failure, "no-answer");

  const results: FolderResults = {};
  let server: ServerBuild | undefined = targets.server ?? knownServer;
  for (const target of targets.value) {
    const answer = await getFolders(session, target.url, address, target.folders, versionFor(server));
    if (answer.server !== undefined) server = answer.server;
    if (answer.kind === "failed") return withServer({ ...failed(address, wanted, answer.failure, answer.reached), ewsUrl: target.url }, server);
    Object.assign(results, answer.folders);
  }
  const channels = channelsFromFolders(results, wanted);
  const ewsUrl = targets.value[0]!.url;
  const folderError = firstFolderError(results);
  if (folderError !== undefined && wanted.some((c) => channels[c] === "failure")) {
    const error = classifyEwsError(redactFault(folderError, session.redact), session.context({ address }));
    return withServer({ address, ok: false, channels, ewsUrl, elapsedMs: 0, error, reached: "ews" }, server);
  }
  return withServer({ address, ok: true, channels, ewsUrl, elapsedMs: 0, reached: "ews" }, server);
}

type Located = { ok: true; value: { url: string; folders: DistinguishedFolder[] }[]; server?: ServerBuild } | { ok: false; failure: Failure };

/** Where to ask: the cached URL, Autodiscover's answer, or the profile's incoming and outgoing URLs. */
async function locate(session: ProbeSession, address: string, folders: DistinguishedFolder[], cachedUrl: string | undefined): Promise<Located> {
  if (cachedUrl !== undefined) return { ok: true, value: [{ url: cachedUrl, folders }] };
  const { profile } = session;
  if (!profile.autodiscover) {
    const incoming = profile.incomingUrl!;
    const outgoing = profile.outgoingUrl ?? incoming;
    if (incoming === outgoing) return { ok: true, value: [{ url: incoming, folders }] };
    const toOutgoing = folders.filter((f) => f === "sentitems");
    const toIncoming = folders.filter((f) => f !== "sentitems");
    return { ok: true, value: [{ url: incoming, folders: toIncoming }, { url: outgoing, folders: toOutgoing }].filter((t) => t.folders.length > 0) };
  }
  const discovery = await discover(session, address);
  if (!discovery.ok) return discovery;
  const located: Located = { ok: true, value: [{ url: discovery.value.ewsUrl, folders }] };
  if (discovery.value.server !== undefined) located.server = discovery.value.server;
  return located;
}

function versionFor(server: ServerBuild | undefined) {
  return server?.major === "14" ? ("Exchange2010_SP2" as const) : ("Exchange2013_SP1" as const);
}

/** A mailbox whose discovery failed: the check fails with that diagnosis, every wanted channel failed. */
export function discoveryFailed(address: string, wantedChannels: Record<ChannelName, boolean>, failure: Failure): MailboxCheckResult {
  return { ...failed(address, channelNames.filter((c) => wantedChannels[c]), failure, "no-answer"), rediscovered: false };
}

function failed(address: string, wanted: ChannelName[], error: Failure, reached: EwsReach): CheckSoFar {
  const channels = Object.fromEntries(channelNames.map((c) => [c, wanted.includes(c) ? "failure" : "not-run"])) as ChannelStatuses;
  return { address, ok: false, channels, elapsedMs: 0, error, reached };
}

function withServer<T extends CheckSoFar>(result: T, server: ServerBuild | undefined): T {
  if (server !== undefined) result.server = server;
  return result;
}
