import type { Profile, ProfileAuth } from "../config/profile.js";
import type { MailboxRecord } from "../model/mailbox.js";
import { listMailboxes } from "../store/mailboxes.js";
import { getProfile, type ProfileSettings } from "../store/profiles.js";
import type { Storage } from "../store/storage.js";

/** A profile file as exported: the design's field order; `trustedDomains` and `maintenance` only when there are some, `api` and `syncApp` when given. */
export type ProfileDocument = Omit<Profile, "trustedDomains" | "maintenance"> & { trustedDomains?: string[]; maintenance?: Profile["maintenance"] };

/** The profile file of a stored profile, mailboxes included (in address order); undefined when there is none. */
export async function exportProfile(storage: Storage, id: string): Promise<ProfileDocument | undefined> {
  const stored = await getProfile(storage, id);
  if (stored === undefined) return undefined;
  return toDocument(stored.profile, await listMailboxes(storage, id));
}

export function toDocument(p: ProfileSettings, mailboxes: readonly MailboxRecord[]): ProfileDocument {
  return {
    id: p.id,
    name: p.name,
    serverType: p.serverType,
    owner: p.owner,
    autodiscover: p.autodiscover,
    incomingUrl: p.incomingUrl,
    outgoingUrl: p.outgoingUrl,
    auth: orderedAuth(p.auth),
    // Profiles stored before the api field existed read as "auto"; an explicit choice is written back.
    ...(p.api !== undefined ? { api: p.api } : {}),
    ...(p.syncApp !== undefined ? { syncApp: { tenantId: p.syncApp.tenantId, clientId: p.syncApp.clientId } } : {}),
    maxConcurrentConnections: p.maxConcurrentConnections,
    pollingIntervalMinutes: p.pollingIntervalMinutes,
    notifyOwner: p.notifyOwner,
    ...(p.trustedDomains.length > 0 ? { trustedDomains: [...p.trustedDomains] } : {}),
    // Profiles stored before maintenance windows existed have none.
    ...((p.maintenance ?? []).length > 0 ? { maintenance: p.maintenance.map((w) => ({ ...w })) } : {}),
    mailboxes: mailboxes.map((m) => ({
      address: m.address,
      approved: m.approved,
      incoming: m.wanted.incoming,
      outgoing: m.wanted.outgoing,
      appointmentsContactsTasks: m.wanted.appointmentsContactsTasks,
      ...(m.location !== undefined ? { location: m.location } : {}),
    })),
  };
}

function orderedAuth(auth: ProfileAuth): ProfileAuth {
  switch (auth.kind) {
    case "basic":
    case "ntlm":
      return { kind: auth.kind, username: auth.username, passwordSetting: auth.passwordSetting } as ProfileAuth;
    case "oauth": {
      const out: Record<string, unknown> = { kind: "oauth", tenantId: auth.tenantId, clientId: auth.clientId };
      if (auth.clientSecretSetting !== undefined) out.clientSecretSetting = auth.clientSecretSetting;
      if (auth.certificatePathSetting !== undefined) out.certificatePathSetting = auth.certificatePathSetting;
      out.cloud = auth.cloud;
      if (auth.username !== undefined) out.username = auth.username;
      return out as ProfileAuth;
    }
  }
}
