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

  describe("syncApp: the app registration server-side synchronization uses", () => {
    const online = {
      ...valid,
      serverType: "exchange-online",
      autodiscover: false,
      auth: { kind: "oauth", tenantId: "contoso.onmicrosoft.com", clientId: "6731de76-14a6-49ae-97bc-6eba6914391e", clientSecretSetting: "CONTOSO_APP_SECRET" },
    };
    const syncApp = { tenantId: "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6", clientId: "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e" };

    it("is optional, and kept as given when both ids are GUIDs (Microsoft's own app ids too)", () => {
      const without = parseProfile(online);
      expect(without.ok && without.profile.syncApp).toBeUndefined();
      const given = parseProfile({ ...online, syncApp });
      expect(given.ok && given.profile.syncApp).toEqual(syncApp);
      const firstParty = parseProfile({ ...online, syncApp: { ...syncApp, clientId: "00000007-0000-0000-c000-000000000000" } });
      expect(firstParty.ok).toBe(true);
    });

    it("names each wrong field: ids that are not GUIDs, a missing id, an unknown field", () => {
      const wrong = parseProfile({ ...online, syncApp: { tenantId: "contoso.onmicrosoft.com", clientId: "sync-app" } });
      expect(!wrong.ok && wrong.problems).toEqual([
        { field: "syncApp.tenantId", message: "must be the tenant id that synchronization's app signs in to, a GUID" },
        { field: "syncApp.clientId", message: "must be the application (client) id synchronization signs in as, a GUID" },
      ]);
      const missing = parseProfile({ ...online, syncApp: { tenantId: syncApp.tenantId, appId: syncApp.clientId } });
      expect(!missing.ok && missing.problems).toEqual([
        { field: "syncApp.clientId", message: "is required and must be the application (client) id synchronization signs in as, a GUID" },
        { field: "syncApp.appId", message: "is not a known field" },
      ]);
      const notObject = parseProfile({ ...online, syncApp: "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e" });
      expect(!notObject.ok && notObject.problems.map((p) => p.field)).toEqual(["syncApp"]);
    });

    it("applies only where readiness is checked: Exchange Online or hybrid with app credentials", () => {
      const onPrem = parseProfile({ ...valid, syncApp });
      expect(!onPrem.ok && onPrem.problems).toEqual([{ field: "syncApp", message: expect.stringMatching(/^applies to Exchange Online and hybrid profiles with app credentials/) }]);
      const hybridBasic = parseProfile({ ...valid, serverType: "exchange-online-hybrid", syncApp });
      expect(!hybridBasic.ok && hybridBasic.problems.map((p) => p.field)).toEqual(["syncApp"]);
      expect(parseProfile({ ...online, serverType: "exchange-online-hybrid", autodiscover: true, syncApp }).ok).toBe(true);
    });
  });
});
