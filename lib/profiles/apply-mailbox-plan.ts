import type { Profile } from "../config/profile.js";
import { deleteMailboxes, listMailboxes, saveMailboxes } from "../store/mailboxes.js";
import type { Storage } from "../store/storage.js";
import { planMailboxSync, type MailboxPlan } from "./mailbox-sync.js";

/** Writes a plan's new and changed mailboxes, then deletes the ones gone from the file. */
export async function applyMailboxPlan(storage: Storage, profileId: string, plan: MailboxPlan): Promise<number> {
  const written = await saveMailboxes(storage, plan.upserts);
  return written + (await deleteMailboxes(storage, profileId, plan.deletes.map((m) => m.address)));
}

/** Makes the stored mailboxes match the profile file (see `reconcileMailbox` for what each mailbox becomes). */
export async function syncMailboxesFromProfile(storage: Storage, profile: Pick<Profile, "id" | "mailboxes">): Promise<MailboxPlan> {
  const plan = planMailboxSync(await listMailboxes(storage, profile.id), profile);
  await applyMailboxPlan(storage, profile.id, plan);
  return plan;
}
