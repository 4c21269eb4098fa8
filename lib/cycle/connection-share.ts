import { randomUUID } from "node:crypto";
import { releaseShare, renewShare, takeShare, type ShareHolder, type Written } from "../store/leases.js";
import type { Storage } from "../store/storage.js";

/** A share's expiry when its holder stops renewing it (a crashed instance): the connections come free by then. */
export const shareTtlMs = 60_000;

/** `released`: the share given back (already, unless `releaseAlongside`); it never rejects. */
export type Shared<T> = { kind: "done"; value: T; released: Promise<void> } | { kind: "busy"; holders: ShareHolder[] };

export interface ShareRequest {
  /** What holds it, for the administrator: "cycle 12 shard 1/3", "test-connection". */
  label: string;
  want: number;
  /** The profile's Maximum Concurrent Connections. */
  limit: number;
  /** Where the share's connections start among the profile's (a cycle's shard: the plan's place for it). */
  firstSlot?: number;
}

/**
 * Runs `work` with a share of the profile's connections (what the live holders leave free, up to `want`, at least
 * one), renewed while it runs and given back after: a cycle's shards, a cycle taken as abandoned that still runs, a
 * redelivered shard and an on-demand Test Connection or Test & Enable together never open more connections to the
 * profile's servers than its limit. Waits up to `waitMs` for a connection to come free, then answers "busy".
 * `releaseAlongside`: the share is given back while the caller goes on (after `work`, whatever it did), and the
 * caller awaits `released` before it ends.
 */
export async function withConnectionShare<T>(
  storage: Storage,
  profileId: string,
  request: ShareRequest,
  options: { waitMs: number; pollMs?: number; ttlMs?: number; releaseAlongside?: boolean },
  work: (connections: number, how: { waited: boolean }) => Promise<T>,
): Promise<Shared<T>> {
  const id = randomUUID();
  const ttlMs = options.ttlMs ?? shareTtlMs;
  const giveUpAt = Date.now() + options.waitMs;
  for (let waited = false; ; waited = true) {
    const taken = await takeShare(storage, profileId, { id, ...request, ttlMs });
    if (taken.kind === "granted") {
      let lease: Written | undefined = taken.lease;
      const renew = async () => {
        if (lease === undefined) return;
        const renewed = await renewShare(storage, profileId, lease, ttlMs);
        lease = renewed.kind === "renewed" ? renewed.lease : undefined;
      };
      const renewal = setInterval(() => void renew().catch(() => (lease = undefined)), ttlMs / 3);
      // Not given back, it frees itself at its expiry.
      const release = () => {
        clearInterval(renewal);
        return releaseShare(storage, profileId, id, lease).catch(() => undefined);
      };
      let value: T;
      try {
        value = await work(taken.connections, { waited });
      } catch (error) {
        await release();
        throw error;
      }
      const released = release();
      if (options.releaseAlongside !== true) await released;
      return { kind: "done", value, released };
    }
    if (Date.now() >= giveUpAt) return { kind: "busy", holders: taken.holders };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

export class ProfileBusy extends Error {
  constructor(profileId: string, holders: readonly ShareHolder[]) {
    super(`The connections of ${profileId} are all in use (${holders.map((h) => `${h.label}: ${h.connections}`).join(", ")}); the message is tried again later`);
    this.name = "ProfileBusy";
  }
}
