import { randomUUID } from "node:crypto";
import { releaseShare, renewShare, takeShare, type ShareHolder, type ShareTake, type Written } from "../store/leases.js";
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

/** A share asked for ahead of the work (`startShare`): its holder id, the answer to the first ask, and when it was asked. */
export interface StartedShare {
  id: string;
  first: Promise<ShareTake>;
  askedAt: number;
}

/** Asks for a share now, so the caller can read what it needs meanwhile; `withConnectionShare` takes it from there. */
export function startShare(storage: Storage, profileId: string, request: ShareRequest, ttlMs = shareTtlMs): StartedShare {
  const id = randomUUID();
  const askedAt = Date.now();
  const first = takeShare(storage, profileId, { id, ...request, ttlMs });
  // Whoever goes on with it awaits it; a share dropped unawaited must not be an unhandled rejection.
  first.catch(() => undefined);
  return { id, first, askedAt };
}

/** Gives back a share started but not used (the profile is gone, or its limit changed since the share was asked for). */
export async function dropShare(storage: Storage, profileId: string, started: StartedShare): Promise<void> {
  const taken = await started.first.catch(() => undefined);
  if (taken?.kind === "granted") await releaseShare(storage, profileId, started.id, taken.lease).catch(() => undefined);
}

/**
 * Runs `work` with a share of the profile's connections (what the live holders leave free, up to `want`, at least
 * one), renewed while it runs and given back after: a cycle's shards, a cycle taken as abandoned that still runs, a
 * redelivered shard and an on-demand Test Connection or Test & Enable together never open more connections to the
 * profile's servers than its limit. Waits up to `waitMs` for a connection to come free, then answers "busy".
 * `releaseAlongside`: the share is given back while the caller goes on (after `work`, whatever it did), and the
 * caller awaits `released` before it ends; `releaseAfter`: what must settle before it is given back (writes that another
 * holder must not overtake). `started`: the share asked for already (`startShare`, with the same request).
 */
export async function withConnectionShare<T>(
  storage: Storage,
  profileId: string,
  request: ShareRequest,
  options: { waitMs: number; pollMs?: number; ttlMs?: number; releaseAlongside?: boolean; releaseAfter?: () => Promise<unknown>; started?: StartedShare },
  work: (connections: number, how: { waited: boolean }) => Promise<T>,
): Promise<Shared<T>> {
  const ttlMs = options.ttlMs ?? shareTtlMs;
  const started = options.started ?? startShare(storage, profileId, request, ttlMs);
  const id = started.id;
  const giveUpAt = Date.now() + options.waitMs;
  for (let waited = false; ; waited = true) {
    const { taken, retaken } = waited ? { taken: await takeShare(storage, profileId, { id, ...request, ttlMs }), retaken: false } : await stillHeld(storage, profileId, request, started, ttlMs);
    if (taken.kind === "granted") {
      let lease: Written | undefined = taken.lease;
      let renewing = false;
      // One renewal at a time; one that fails (storage unreachable) keeps the lease for the next tick to try again.
      const renew = async () => {
        if (lease === undefined || renewing) return;
        renewing = true;
        try {
          const renewed = await renewShare(storage, profileId, lease, ttlMs);
          lease = renewed.kind === "renewed" ? renewed.lease : undefined;
        } catch {
          // kept
        } finally {
          renewing = false;
        }
      };
      const renewal = setInterval(() => void renew(), ttlMs / 3);
      // Not given back, it frees itself at its expiry.
      const release = () => {
        clearInterval(renewal);
        return releaseShare(storage, profileId, id, lease).catch(() => undefined);
      };
      let value: T;
      try {
        // A share lost and taken again counts as waited for: another run may have held the connections (and written).
        value = await work(taken.connections, { waited: waited || retaken });
      } catch (error) {
        await release();
        throw error;
      }
      const released = (options.releaseAfter === undefined ? Promise.resolve() : options.releaseAfter().catch(() => undefined)).then(release);
      if (options.releaseAlongside !== true) await released;
      return { kind: "done", value, released };
    }
    if (Date.now() >= giveUpAt) return { kind: "busy", holders: taken.holders };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/**
 * The first answer of a share asked for ahead, renewed first when a renewal tick would have been due by now (the
 * reads it was asked beside were slow). A share that expired meanwhile and was taken, or that cannot be renewed and
 * is past its expiry, is asked for again (`retaken`), never used.
 */
async function stillHeld(storage: Storage, profileId: string, request: ShareRequest, started: StartedShare, ttlMs: number): Promise<{ taken: ShareTake; retaken: boolean }> {
  const taken = await started.first;
  if (taken.kind !== "granted" || Date.now() - started.askedAt < ttlMs / 3) return { taken, retaken: false };
  const renewed = await renewShare(storage, profileId, taken.lease, ttlMs).catch(() => undefined);
  if (renewed?.kind === "renewed") return { taken: { ...taken, lease: renewed.lease }, retaken: false };
  if (renewed === undefined && Date.now() < taken.lease.expiresAt) return { taken, retaken: false };
  return { taken: await takeShare(storage, profileId, { id: started.id, ...request, ttlMs }), retaken: true };
}

export class ProfileBusy extends Error {
  constructor(profileId: string, holders: readonly ShareHolder[]) {
    super(`The connections of ${profileId} are all in use (${holders.map((h) => `${h.label}: ${h.connections}`).join(", ")}); the message is tried again later`);
    this.name = "ProfileBusy";
  }
}
