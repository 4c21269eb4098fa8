import { describe, expect, it } from "vitest";
import { makeFailure } from "../../lib/diagnosis/failure.js";
import type { MailboxRecord } from "../../lib/model/mailbox.js";
import { stepOrder, type Step } from "../../lib/engine/check-mailboxes.js";
import { enabledMailbox } from "../support/mailbox-record.js";

const a = "https://a.contoso.com/EWS/Exchange.asmx";
const b = "https://b.contoso.com/EWS/Exchange.asmx";

function ews(address: string, url: string, overrides: Partial<MailboxRecord> = {}): Step {
  const record = enabledMailbox("p", address, { ewsUrl: url, ...overrides });
  return { kind: "ews", record, toCheck: { address, wanted: record.wanted, cachedEwsUrl: url } };
}
const discover = (address: string): Step => ({ kind: "discover", record: enabledMailbox("p", address) });
const timedOut = { lastError: makeFailure("timeout", { code: "UND_ERR_HEADERS_TIMEOUT", message: "no answer" }), consecutiveFailures: 1 };
const label = (s: Step) => `${s.kind}:${s.record.address}`;

describe("the order of a cycle's steps", () => {
  it("discoveries first in the given order, then EWS grouped by server, a server's timed-out mailboxes first", () => {
    const steps = [
      ews("1@contoso.com", b),
      discover("2@contoso.com"),
      ews("3@contoso.com", a),
      ews("4@contoso.com", b, timedOut),
      discover("5@contoso.com"),
      ews("6@contoso.com", a, { lastError: makeFailure("server-busy", { code: "ErrorServerBusy", message: "busy" }) }),
      ews("7@contoso.com", a, timedOut),
    ];
    expect([...steps].sort(stepOrder).map(label)).toEqual([
      "discover:2@contoso.com",
      "discover:5@contoso.com",
      "ews:7@contoso.com",
      "ews:3@contoso.com",
      "ews:6@contoso.com",
      "ews:4@contoso.com",
      "ews:1@contoso.com",
    ]);
  });
});
