import { describe, expect, it } from "vitest";
import { parseProfile } from "../../lib/config/profile.js";
import { designExample } from "../profiles/fixtures.js";

// The design's example, with a mixed-case address to show addresses are kept in lower case.
const valid = { ...designExample, mailboxes: [{ ...designExample.mailboxes[0]!, address: "JDoe@contoso.com" }] };

describe("profile validation", () => {
  it("accepts the design's example and fills defaults", () => {
    const result = parseProfile(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.trustedDomains).toEqual([]);
    expect(result.profile.mailboxes[0]!.address).toBe("jdoe@contoso.com");
  });

  it("defaults concurrency to 10 and polling to 5 minutes", () => {
    const { maxConcurrentConnections, pollingIntervalMinutes, ...rest } = valid;
    const result = parseProfile(rest);
    expect(result.ok && result.profile.maxConcurrentConnections).toBe(10);
    expect(result.ok && result.profile.pollingIntervalMinutes).toBe(5);
  });

  it("names every wrong field at once", () => {
    const result = parseProfile({
      ...valid,
      id: "Bad Id",
      owner: "nobody",
      autodiscover: false,
      incomingUrl: "http://mail.contoso.com/EWS/Exchange.asmx",
      outgoingUrl: null,
      auth: { kind: "basic", username: "CONTOSO\\svc", passwordSetting: "CONTOSO_EWS_PASSWORD" },
      maxConcurrentConnections: 0,
      pollingIntervalMinutes: 0,
      colour: "blue",
      mailboxes: [{ address: "a@contoso.com" }, { address: "A@contoso.com" }, { address: "not-an-address" }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "id",
        "owner",
        "incomingUrl",
        "outgoingUrl",
        "auth.username",
        "maxConcurrentConnections",
        "pollingIntervalMinutes",
        "colour",
        "mailboxes[1].address",
        "mailboxes[2].address",
      ]),
    );
    expect(result.problems.find((p) => p.field === "auth.username")!.message).toMatch(/UPN|user principal name/);
    expect(result.problems.find((p) => p.field === "incomingUrl")!.message).toMatch(/https/);
  });

  it("refuses concurrency above 100", () => {
    const result = parseProfile({ ...valid, maxConcurrentConnections: 101 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]!.field).toBe("maxConcurrentConnections");
  });

  it("names an unknown auth kind", () => {
    const result = parseProfile({ ...valid, auth: { kind: "kerberos" } });
    expect(!result.ok && result.problems.map((p) => p.field)).toContain("auth.kind");
  });

  it("requires exactly one OAuth credential setting", () => {
    const result = parseProfile({
      ...valid,
      serverType: "exchange-online",
      auth: { kind: "oauth", tenantId: "contoso.onmicrosoft.com", clientId: "6731de76-14a6-49ae-97bc-6eba6914391e" },
    });
    expect(!result.ok && result.problems.map((p) => p.field)).toContain("auth.clientSecretSetting");
  });

  it("refuses Basic for Exchange Online", () => {
    const result = parseProfile({ ...valid, serverType: "exchange-online" });
    expect(!result.ok && result.problems.map((p) => p.field)).toContain("auth.kind");
  });

  it("needs no EWS URL for a profile probed through Graph alone, but still does for one that uses EWS", () => {
    const online = {
      ...valid,
      serverType: "exchange-online",
      autodiscover: false,
      incomingUrl: null,
      outgoingUrl: null,
      auth: { kind: "oauth", tenantId: "contoso.onmicrosoft.com", clientId: "6731de76-14a6-49ae-97bc-6eba6914391e", clientSecretSetting: "CONTOSO_APP_SECRET" },
    };
    expect(parseProfile(online).ok).toBe(true);
    expect(parseProfile({ ...online, api: "graph" }).ok).toBe(true);
    const ews = parseProfile({ ...online, api: "ews" });
    expect(!ews.ok && ews.problems.map((p) => p.field)).toEqual(["incomingUrl", "outgoingUrl"]);
    const hybrid = parseProfile({ ...online, serverType: "exchange-online-hybrid" });
    expect(!hybrid.ok && hybrid.problems.map((p) => p.field)).toEqual(["incomingUrl", "outgoingUrl"]);
  });
});
