import { describe, expect, it } from "vitest";
import { probeApiFor } from "../../lib/config/probe-api.js";
import { parseProfile, type Profile } from "../../lib/config/profile.js";
import { designExample, exampleWith } from "../profiles/fixtures.js";

const oauth = { kind: "oauth", tenantId: "contoso.com", clientId: "0f4c8a2e-6b1d-4e7f-8a9b-c0d1e2f3a4b5", clientSecretSetting: "APP_SECRET" };
const online = (extra: Record<string, unknown> = {}) => exampleWith({ serverType: "exchange-online", auth: oauth, ...extra });
const hybrid = (extra: Record<string, unknown> = {}) => exampleWith({ serverType: "exchange-online-hybrid", auth: oauth, ...extra });

function parsed(input: unknown): Profile {
  const result = parseProfile(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.profile;
}

function problems(input: unknown): Record<string, string> {
  const result = parseProfile(input);
  return result.ok ? {} : Object.fromEntries(result.problems.map((p) => [p.field, p.message]));
}

describe("profile api, cloud and mailbox location", () => {
  it("accepts api ews, graph or auto, and reads a profile without it as auto", () => {
    expect(parsed(designExample).api).toBeUndefined();
    for (const api of ["ews", "graph", "auto"]) expect(parsed(online({ api })).api).toBe(api);
    expect(problems(online({ api: "rest" }))).toHaveProperty("api");
  });

  it("keeps the existing national-cloud choices of oauth profiles, public by default", () => {
    expect(parsed(online()).auth).toMatchObject({ cloud: "public" });
    for (const cloud of ["public", "usgov", "usgov-dod", "china"]) expect(parsed(online({ auth: { ...oauth, cloud } })).auth).toMatchObject({ cloud });
    expect(problems(online({ auth: { ...oauth, cloud: "mars" } }))).toHaveProperty(["auth.cloud"]);
  });

  it("refuses Graph for Exchange Server and without app credentials, naming the field", () => {
    expect(problems({ ...designExample, api: "graph" }).api).toMatch(/no Microsoft Graph/);
    const basicHybrid = exampleWith({ serverType: "exchange-online-hybrid", api: "graph" });
    expect(problems(basicHybrid).api).toMatch(/oauth/);
  });

  it("takes a mailbox location on hybrid profiles only", () => {
    const box = (location: string) => [{ address: "a@contoso.com", location }];
    expect(parsed(hybrid({ mailboxes: box("cloud") })).mailboxes[0]!.location).toBe("cloud");
    expect(parsed(hybrid({ mailboxes: box("on-premises") })).mailboxes[0]!.location).toBe("on-premises");
    expect(problems(hybrid({ mailboxes: box("moon") }))).toHaveProperty(["mailboxes[0].location"]);
    expect(problems(online({ mailboxes: box("cloud") }))["mailboxes[0].location"]).toMatch(/hybrid/);
  });
});

describe("which api probes a mailbox", () => {
  it("auto: Graph for Exchange Online, EWS for Exchange Server; an explicit api wins", () => {
    expect(probeApiFor(parsed(online()))).toBe("graph");
    expect(probeApiFor(parsed(designExample))).toBe("ews");
    expect(probeApiFor(parsed(online({ api: "ews" })))).toBe("ews");
    expect(probeApiFor(parsed(hybrid({ api: "graph" })), { location: "on-premises" })).toBe("graph");
  });

  it("auto on hybrid: where the mailbox lives — its location, else the EWS URL Autodiscover gave, else Graph first; EWS without app credentials", () => {
    const p = parsed(hybrid());
    expect(probeApiFor(p, { location: "cloud" })).toBe("graph");
    expect(probeApiFor(p, { location: "on-premises" })).toBe("ews");
    expect(probeApiFor(p, {}, "https://outlook.office365.com/EWS/Exchange.asmx")).toBe("graph");
    expect(probeApiFor(p, {}, "https://mail.contoso.com/EWS/Exchange.asmx")).toBe("ews");
    // Not placed yet: Graph first (Exchange Online's EWS may be blocked); one not in the cloud falls back to EWS.
    expect(probeApiFor(p, {})).toBe("graph");
    const basic = parsed(exampleWith({ serverType: "exchange-online-hybrid" }));
    expect(probeApiFor(basic, { location: "cloud" })).toBe("ews");
  });
});
