import { checkProfileId } from "../profiles/id.js";
import type { Runtime } from "../runtime.js";
import { listAllSummaries } from "../store/summaries.js";
import { loadDetail, type Detail } from "./detail.js";
import { parsePageQuery } from "./paging.js";
import { prometheusContentType } from "./prometheus.js";
import { secretValues } from "./redact.js";
import { badProfileId, badQuery, cachedReply, notFound, type HttpReply } from "./reply.js";
import { buildSnapshot, type Snapshot } from "./snapshot.js";
import { ttlCache, type TtlCache } from "./ttl-cache.js";

/** The three status endpoints of one runtime, sharing one cache of the summaries and one of profile details. */
export interface StatusService {
  list(query: { top: string | null; continuation: string | null }, ifNoneMatch: string | null): Promise<HttpReply>;
  profile(profileId: string, ifNoneMatch: string | null): Promise<HttpReply>;
  metrics(ifNoneMatch: string | null): Promise<HttpReply>;
}

/** Profiles whose detail stays cached at once; a fleet looking at more than this reads some of them again. */
const maxCachedDetails = 1000;

const services = new WeakMap<Runtime, StatusService>();

/** The service of a runtime, made on first use (tests install a runtime per case, each gets a fresh cache). */
export function statusService(runtime: Runtime): StatusService {
  let service = services.get(runtime);
  if (service === undefined) {
    service = createStatusService(runtime);
    services.set(runtime, service);
  }
  return service;
}

export function createStatusService(runtime: Runtime): StatusService {
  const ttl = runtime.settings.statusCacheSeconds;
  const now = () => runtime.now().getTime();
  const secrets = secretValues(runtime.env);
  const snapshots: TtlCache<Snapshot> = ttlCache({ ttlMs: ttl * 1000, now, maxEntries: 1 });
  const details: TtlCache<Detail> = ttlCache({ ttlMs: ttl * 1000, now, maxEntries: maxCachedDetails });
  const snapshot = () => snapshots.get("summaries", async () => buildSnapshot(await listAllSummaries(runtime.storage), secrets));

  return {
    async list(query, ifNoneMatch) {
      const page = parsePageQuery(query.top, query.continuation);
      if (page.kind === "invalid") return badQuery(page.problems);
      return cachedReply((await snapshot()).page(page.page), ifNoneMatch, ttl);
    },
    async profile(profileId, ifNoneMatch) {
      const problem = checkProfileId(profileId, "profileId");
      if (problem !== undefined) return badProfileId(problem);
      const detail = await details.get(profileId, () => loadDetail(runtime.storage, profileId, secrets));
      return detail.kind === "found" ? cachedReply(detail.rendered, ifNoneMatch, ttl) : notFound(profileId);
    },
    async metrics(ifNoneMatch) {
      return cachedReply((await snapshot()).metrics(), ifNoneMatch, ttl, prometheusContentType);
    },
  };
}
