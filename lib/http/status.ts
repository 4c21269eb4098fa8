import type { Settings } from "../config/settings.js";
import { loadDetail, loadDetailDocument, type Detail } from "../status/detail.js";
import { dashboardHeaders, renderMessagePage, renderOverview, renderProfilePage, type Links } from "../status/dashboard/index.js";
import { overviewModel, profilePageModel } from "../status/dashboard-model.js";
import { history } from "../store/notifications.js";
import { matchesIfNoneMatch } from "../status/etag.js";
import { parsePageQuery } from "../status/paging.js";
import { prometheusContentType } from "../status/prometheus.js";
import { redactJson, secretValues } from "../status/redact.js";
import { buildSnapshot, type Rendered, type Snapshot } from "../status/snapshot.js";
import { ttlCache, type TtlCache } from "../status/ttl-cache.js";
import type { Storage } from "../store/storage.js";
import { listAllSummaries } from "../store/summaries.js";
import { listProfiles } from "../store/profiles.js";
import { scheduleEveryMsOf } from "../cycle/health.js";
import type { Once } from "../util/once.js";
import { invalid, jsonContentType, profileNotFound, type HttpReply } from "./reply.js";
import { profileIdOf } from "./request.js";

/** The three status endpoints of one app context, sharing one cache of the summaries and one of profile details. */
export interface StatusService {
  list(query: { top: string | null; continuation: string | null }, ifNoneMatch: string | null): Promise<HttpReply>;
  profile(profileId: string, ifNoneMatch: string | null): Promise<HttpReply>;
  metrics(ifNoneMatch: string | null): Promise<HttpReply>;
  /** GET /api/dashboard: the HTML overview; `code` is the function key the page's links carry. */
  dashboard(code: string | null): Promise<HttpReply>;
  /** GET /api/dashboard/{profileId}: one profile's HTML page. */
  dashboardProfile(profileId: string, code: string | null): Promise<HttpReply>;
}

/** Emails of the profile's history shown on its page. */
const dashboardEmails = 20;

export interface StatusContext {
  settings: Pick<Settings, "statusCacheSeconds"> & Partial<Pick<Settings, "schedules">>;
  storage: Storage;
  env: Record<string, string | undefined>;
  now(): Date;
  once: Once;
}

/** Profiles whose detail stays cached at once; a fleet looking at more than this reads some of them again. */
const maxCachedDetails = 1000;

const serviceKey = Symbol("status service");

/** The service of a context, made on first use (each test's context gets a fresh cache). */
export function statusService(context: StatusContext): StatusService {
  return context.once.get(serviceKey, () => createStatusService(context));
}

export function createStatusService(context: StatusContext): StatusService {
  const ttl = context.settings.statusCacheSeconds;
  const now = () => context.now().getTime();
  const secrets = secretValues(context.env);
  const snapshots: TtlCache<Snapshot> = ttlCache({ ttlMs: ttl * 1000, now, maxEntries: 1 });
  const details: TtlCache<Detail> = ttlCache({ ttlMs: ttl * 1000, now, maxEntries: maxCachedDetails });
  const scheduleEveryMs = scheduleEveryMsOf(context.settings);
  // Health is judged when read (stale): the summaries and the profiles' settings, 2 queries per snapshot.
  const snapshot = () =>
    snapshots.get("summaries", async () => {
      const [summaries, profiles] = await Promise.all([listAllSummaries(context.storage), listProfiles(context.storage)]);
      return buildSnapshot(summaries, secrets, context.now(), new Map(profiles.map((p) => [p.profile.id, p])), scheduleEveryMs);
    });

  return {
    async list(query, ifNoneMatch) {
      const page = parsePageQuery(query.top, query.continuation);
      if (page.kind === "invalid") return invalid("invalid-query", page.problems);
      return cachedReply((await snapshot()).page(page.page), ifNoneMatch, ttl);
    },
    async profile(profileId, ifNoneMatch) {
      const id = profileIdOf({ params: { profileId } }, "profileId");
      if (!id.ok) return id.reply;
      const detail = await details.get(profileId, () => loadDetail(context.storage, profileId, secrets, context.now(), scheduleEveryMs));
      return detail.kind === "found" ? cachedReply(detail.rendered, ifNoneMatch, ttl) : profileNotFound(profileId);
    },
    async metrics(ifNoneMatch) {
      return cachedReply((await snapshot()).metrics(), ifNoneMatch, ttl, prometheusContentType);
    },
    async dashboard(code) {
      const links = linksOf(code);
      const model = overviewModel((await snapshot()).statuses, context.now(), links);
      return { status: 200, headers: dashboardHeaders(), body: renderOverview(redacted(model, secrets)) };
    },
    async dashboardProfile(profileId, code) {
      const links = linksOf(code);
      const id = profileIdOf({ params: { profileId } }, "profileId");
      const notFound = (): HttpReply => ({ status: 404, headers: dashboardHeaders(), body: renderMessagePage({ links, title: "No such profile", message: `There is no profile ${profileId}.` }) });
      if (!id.ok) return notFound();
      const now = context.now();
      const [document, emails] = await Promise.all([loadDetailDocument(context.storage, profileId, now, scheduleEveryMs), history(context.storage, profileId, dashboardEmails)]);
      if (document === undefined) return notFound();
      return { status: 200, headers: dashboardHeaders(), body: renderProfilePage(redacted(profilePageModel(document, emails, now, links), secrets)) };
    },
  };
}

const linksOf = (code: string | null): Links => ({ basePath: "/api/dashboard", ...(code === null || code === "" ? {} : { code }) });

/** Secrets are taken out of the data before it becomes HTML (escaping would change their form). */
const redacted = <T>(model: T, secrets: readonly string[]): T => JSON.parse(redactJson(JSON.stringify(model), secrets)) as T;

/** 200 with the rendered body, or 304 with no body when the client already holds this representation. */
function cachedReply(rendered: Rendered, ifNoneMatch: string | null, ttlSeconds: number, contentType = jsonContentType): HttpReply {
  const headers = { etag: rendered.etag, "cache-control": `private, max-age=${ttlSeconds}` };
  if (matchesIfNoneMatch(ifNoneMatch, rendered.etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, "content-type": contentType }, body: rendered.body };
}
