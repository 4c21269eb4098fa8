import { describe, expect, it } from "vitest";
import { demoOrganisation, parseOrgSpec } from "../../sim/index.js";

describe("org spec from JSON", () => {
  it("accepts the demo organisation after a JSON round trip", () => {
    const spec = demoOrganisation();
    expect(parseOrgSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it("names every wrong field", () => {
    const bad = { domains: [{}], servers: [{ name: "mail.x.com" }], mailboxes: [{ address: "a@x.com", server: "mail.y.com" }], serviceAccounts: "no" };
    expect(() => parseOrgSpec(bad)).toThrow(/domains\[0\]\.name[\s\S]*mailboxes\[0\]\.server: no server named mail\.y\.com[\s\S]*serviceAccounts: expected an array/);
  });
});
