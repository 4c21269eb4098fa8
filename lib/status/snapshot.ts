import type { ProfileSummary } from "../model/summary.js";
import { strongEtag } from "./etag.js";
import { metricFamilies } from "./metrics.js";
import { encodeContinuation, firstAfter, type PageRequest } from "./paging.js";
import { escapeLabelValue, renderExposition } from "./prometheus.js";
import { redactJson, redactText } from "./redact.js";
import type { StoredProfile } from "../store/profiles.js";
import { overallOf, profileStatus, type Overall, type ProfileStatus } from "./view.js";

/** A body ready to send: the text and its strong ETag, computed once per cache generation. */
export interface Rendered {
  body: string;
  etag: string;
}

/**
 * One read of the summaries, turned into everything the list and metrics endpoints answer with. Each profile's
 * JSON is written once; a page is the concatenation of its profiles' JSON, kept per (top, continuation) for the
 * life of the snapshot, so a cached request costs a map lookup.
 */
export interface Snapshot {
  readonly statuses: readonly ProfileStatus[];
  readonly overall: Overall;
  page(request: PageRequest): Rendered;
  metrics(): Rendered;
}

const maxMemoizedPages = 512;

/** Health and maintenance evaluated at `now`, the moment of the read, with each profile's stored settings. */
export function buildSnapshot(
  summaries: readonly ProfileSummary[],
  secrets: readonly string[],
  now: Date,
  profiles: ReadonlyMap<string, StoredProfile> = new Map(),
  scheduleEveryMs?: number,
): Snapshot {
  const statuses = summaries.map((s) => profileStatus(s, now, profiles.get(s.profileId), scheduleEveryMs)).sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
  const ids = statuses.map((s) => s.profileId);
  const json = statuses.map((s) => redactJson(JSON.stringify(s), secrets));
  const overall = overallOf(statuses);
  const overallJson = JSON.stringify(overall);
  const pages = new Map<string, Rendered>();
  let metrics: Rendered | undefined;

  function render({ top, after }: PageRequest): Rendered {
    const start = firstAfter(ids, after);
    const end = Math.min(start + top, ids.length);
    const continuation = end < ids.length ? JSON.stringify(encodeContinuation(ids[end - 1]!)) : "null";
    const body = `{"overall":${overallJson},"profiles":[${json.slice(start, end).join(",")}],"continuation":${continuation}}`;
    return { body, etag: strongEtag(body) };
  }

  return {
    statuses,
    overall,
    page(request) {
      const key = `${request.top}|${request.after ?? ""}`;
      let rendered = pages.get(key);
      if (rendered === undefined) {
        rendered = render(request);
        if (pages.size < maxMemoizedPages) pages.set(key, rendered);
      }
      return rendered;
    },
    metrics() {
      if (metrics === undefined) {
        const body = redactText(renderExposition(metricFamilies(statuses, overall)), secrets.flatMap((s) => [escapeLabelValue(s), s]));
        metrics = { body, etag: strongEtag(body) };
      }
      return metrics;
    },
  };
}
