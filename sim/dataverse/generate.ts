import { dvId, idKinds } from "./ids.js";
import { dvMailbox, dvProfile, type DataverseSpec, type DvEmailServerProfile, type DvMailbox, type DvSystemUser, type DvTraceLog } from "./spec.js";

export interface LargeOrgOptions {
  host: string;
  applicationUsers: string[];
  /** Mailbox count of each profile, e.g. [5000] or Array(20).fill(500). */
  mailboxesPerProfile: number[];
  /** Every Nth mailbox is reported failing by Dynamics, with an error tracelog (0: none). */
  failEvery?: number;
  /** Every Nth mailbox has an invalid address (0: none). */
  invalidEvery?: number;
  now?: number;
}

/**
 * A large environment for tests and benchmarks: on-premises Exchange profiles `Generated profile N` owned by
 * `owner-N@generated.example`, mailboxes `user-N-M@generated-N.example`.
 */
export function generateDataverse(options: LargeOrgOptions): DataverseSpec {
  const now = options.now ?? Date.now();
  const profiles: DvEmailServerProfile[] = [];
  const users: DvSystemUser[] = [];
  const mailboxes: DvMailbox[] = [];
  const tracelogs: DvTraceLog[] = [];
  let mailboxNumber = 0;
  options.mailboxesPerProfile.forEach((count, p) => {
    const profileId = dvId(idKinds.profile, 0x1000 + p);
    const owner = dvId(idKinds.user, 0x1000 + p);
    users.push({ systemuserid: owner, fullname: `Owner ${p}`, internalemailaddress: `owner-${p}@generated.example` });
    profiles.push(dvProfile({ emailserverprofileid: profileId, name: `Generated profile ${p}`, _ownerid_value: owner, lasttestexecutionstatus: 1 }));
    for (let m = 0; m < count; m++) {
      mailboxNumber += 1;
      const invalid = options.invalidEvery !== undefined && options.invalidEvery > 0 && mailboxNumber % options.invalidEvery === 0;
      const fails = options.failEvery !== undefined && options.failEvery > 0 && mailboxNumber % options.failEvery === 0;
      const mailbox = dvMailbox({
        mailboxid: dvId(idKinds.mailbox, 0x100000 + mailboxNumber),
        emailaddress: invalid ? `user-${p}-${m} at generated-${p}.example` : `user-${p}-${m}@generated-${p}.example`,
        _emailserverprofile_value: profileId,
        ...(fails ? { incomingemailstatus: 2, lastsyncerror: "The connection to the Exchange server failed.", lastsyncerrorcode: -2147220711, lastsyncerrorcount: 2 } : {}),
      });
      mailboxes.push(mailbox);
      if (fails) {
        tracelogs.push({ tracelogid: dvId(idKinds.tracelog, 0x100000 + tracelogs.length), _regardingobjectid_value: mailbox.mailboxid, level: 3, tracecode: 63, text: `Unable to connect for ${mailbox.emailaddress}.`, createdon: new Date(now - 600_000).toISOString() });
      }
    }
  });
  return { host: options.host, applicationUsers: options.applicationUsers, emailserverprofiles: profiles, mailboxes, systemusers: users, tracelogs };
}
