import { describe, expect, it } from "vitest";
import { checkRedirectLocation, httpsCandidates, orderSrvTargets, soapUrlFor } from "../../lib/engine/autodiscover-candidates.js";
import { credentialDomains } from "../../lib/engine/domains.js";
import { isHostAllowed } from "../../lib/util/hosts.js";

describe("autodiscover candidates", () => {
  it("asks the domain and autodiscover.<domain> over https", () => {
    expect(httpsCandidates("contoso.com")).toEqual([
      "https://contoso.com/autodiscover/autodiscover.xml",
      "https://autodiscover.contoso.com/autodiscover/autodiscover.xml",
    ]);
    expect(soapUrlFor("https://autodiscover.contoso.com/autodiscover/autodiscover.xml")).toBe("https://autodiscover.contoso.com/autodiscover/autodiscover.svc");
  });

  it.each([
    ["https://mail.contoso.com/Autodiscover/Autodiscover.xml", true],
    ["https://mail.contoso.com/autodiscover/sub/dir/autodiscover.xml", true],
    ["http://mail.contoso.com/autodiscover/autodiscover.xml", false],
    ["https://mail.contoso.com/owa/", false],
    ["https://mail.contoso.com/autodiscover/autodiscover.xml.evil", false],
    [undefined, false],
  ])("accepts the redirect Location %s: %s", (location, ok) => {
    expect(checkRedirectLocation(location, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml").ok).toBe(ok);
  });

  it("orders SRV targets by priority, then weight, port 443 only", () => {
    const records = [
      { name: "b.contoso.com", port: 443, priority: 10, weight: 0 },
      { name: "a.contoso.com", port: 443, priority: 5, weight: 10 },
      { name: "c.contoso.com", port: 443, priority: 5, weight: 90 },
      { name: "http.contoso.com", port: 80, priority: 0, weight: 100 },
    ];
    expect(orderSrvTargets(records, () => 0.5)).toEqual([
      "https://c.contoso.com/autodiscover/autodiscover.xml",
      "https://a.contoso.com/autodiscover/autodiscover.xml",
      "https://b.contoso.com/autodiscover/autodiscover.xml",
    ]);
    expect(orderSrvTargets(records, () => 0.05)[0]).toBe("https://a.contoso.com/autodiscover/autodiscover.xml");
  });
});

describe("credential domains", () => {
  const profile = {
    auth: { kind: "basic" as const, username: "svc@contoso.com", passwordSetting: "P" },
    mailboxes: [{ address: "a@fabrikam.com", approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true }],
    trustedDomains: ["contoso-hosting.net"],
    serverType: "exchange-server" as const,
    incomingUrl: null,
    outgoingUrl: null,
  };

  it("trusts the user name's, the mailboxes' and the listed domains, with their subdomains", () => {
    const domains = credentialDomains(profile);
    expect([...domains].sort()).toEqual(["contoso-hosting.net", "contoso.com", "fabrikam.com"]);
    expect(isHostAllowed("autodiscover.contoso.com", domains)).toBe(true);
    expect(isHostAllowed("mail.contoso-hosting.net", domains)).toBe(true);
    expect(isHostAllowed("evilcontoso.com", domains)).toBe(false);
    expect(isHostAllowed("outlook.office365.com", domains)).toBe(false);
  });

  it("adds Microsoft 365's own hosts for Exchange Online and hybrid profiles", () => {
    const domains = credentialDomains({ ...profile, serverType: "exchange-online-hybrid" });
    expect(isHostAllowed("outlook.office365.com", domains)).toBe(true);
  });
});
