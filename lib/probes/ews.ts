import { checkMailboxes } from "../engine/check-mailboxes.js";
import { openSession } from "../engine/open-session.js";
import { publicCheck, testConnection, testMailbox } from "../engine/test-connection.js";
import { fail, succeed } from "../model/result.js";
import { allOf } from "../util/as-read.js";
import type { ProbeKind } from "./kind.js";

/** The Exchange Web Services prober: Autodiscover, then EWS GetFolder, with the profile's Basic, NTLM or OAuth credentials. */
export const ewsKind: ProbeKind = {
  name: "ews",
  steps: ["autodiscover", "ews", "mailbox"],
  async open(profile, budget, environment) {
    const opened = openSession(profile, budget.maxConnections, environment);
    if (!opened.ok) return fail(opened.failure);
    const session = opened.value;
    return succeed({
      checkEndpoints: async (options = {}) => {
        const run = await testConnection(session, options.mailboxes === undefined ? {} : { mailboxes: [...options.mailboxes] });
        return run.tested === undefined ? run : { ...run, testMailboxChecks: [publicCheck(run.tested)] };
      },
      checkMailboxes: async (mailboxes, places, onChecked) => checkMailboxes(session, await allOf(mailboxes), places, (record, check) => onChecked(record, publicCheck(check))),
      testMailboxes: () => [testMailbox(session, [])?.address ?? []].flat(),
      peakConnections: () => session.connections.stats().peakSockets,
      close: () => session.close(),
    });
  },
};
