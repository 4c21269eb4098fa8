import type { Profile } from "../config/profile.js";
import { listProfiles } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";

/** What the profile list shows: identity and schedule, no credentials section. */
export interface ProfileListItem {
  id: string;
  name: string;
  serverType: Profile["serverType"];
  owner: string;
  autodiscover: boolean;
  maxConcurrentConnections: number;
  pollingIntervalMinutes: number;
  notifyOwner: boolean;
  cycle: number;
  lastScheduledAt?: string;
}

export async function listProfileItems(storage: Storage): Promise<ProfileListItem[]> {
  return (await listProfiles(storage)).map(({ profile: p, cycle, lastScheduledAt }) => {
    const item: ProfileListItem = {
      id: p.id,
      name: p.name,
      serverType: p.serverType,
      owner: p.owner,
      autodiscover: p.autodiscover,
      maxConcurrentConnections: p.maxConcurrentConnections,
      pollingIntervalMinutes: p.pollingIntervalMinutes,
      notifyOwner: p.notifyOwner,
      cycle,
    };
    if (lastScheduledAt !== undefined) item.lastScheduledAt = lastScheduledAt;
    return item;
  });
}
