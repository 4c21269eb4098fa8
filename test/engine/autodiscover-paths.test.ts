import { describe, expect, it } from "vitest";
import { discover } from "../../lib/engine/autodiscover.js";
import type { MailboxSpec, OrgSpec, ServerSpec } from "../../sim/index.js";
import { essentials, expectNoLeak, org, profile, withOrg, type Expected } from "./support.js";

/**
 * Each way Autodiscover can find (or refuse to find) a mailbox's EWS URL, over real sockets: every
 * case builds its own small organisation, runs `discover`, and checks where the answer came from,
 * which hosts were asked, and that no credential left the profile's domains or went over http.
 */

const mailboxHome: ServerSpec = { name: "mail.contoso.com" };
const ews = "https://mail.contoso.com/EWS/Exchange.asmx";
const pox = (host: string) => `https://${host}/autodiscover/autodiscover.xml`;
const adServer = (name: string, extra: Partial<ServerSpec> = {}): ServerSpec => ({ name, ews: false, autodiscover: true, ...extra });
const user = (knobs: MailboxSpec["knobs"] = {}): MailboxSpec => ({ address: "user@contoso.com", server: "mail.contoso.com", knobs });

interface Found {
  name: string;
  spec: OrgSpec;
  via: string;
  ewsUrl?: string;
  address?: string;
  /** Hosts that must not have been asked anything at all. */
  untouched?: string[];
  /** Hosts asked, in this order (first request to each). */
  order?: string[];
  trusted?: string[];
}

const found: Found[] = [
  {
    name: "https://<domain>/ only",
    spec: org({ servers: [adServer("contoso.com"), mailboxHome], mailboxes: [user()] }),
    via: pox("contoso.com"),
  },
  {
    name: "https://autodiscover.<domain>/ only",
    spec: org({ servers: [adServer("autodiscover.contoso.com"), mailboxHome], mailboxes: [user()] }),
    via: pox("autodiscover.contoso.com"),
  },
  {
    name: "both https candidates fail, the http redirect probe's https Location is used",
    spec: org({
      servers: [
        // autodiscover.contoso.com answers 404 over https and redirects over http.
        { name: "autodiscover.contoso.com", ews: false, httpRedirect: pox("adfs-redirect.contoso.com") },
        adServer("adfs-redirect.contoso.com"),
        mailboxHome,
      ],
      mailboxes: [user()],
    }),
    via: pox("adfs-redirect.contoso.com"),
  },
  {
    name: "SRV: lowest priority first, port 443 only",
    spec: org({
      domains: [
        {
          name: "contoso.com",
          srv: [
            { target: "ad-8443.contoso.com", port: 8443, priority: 0, weight: 100 },
            { target: "ad-p20.contoso.com", port: 443, priority: 20, weight: 100 },
            { target: "ad-p10.contoso.com", port: 443, priority: 10, weight: 0 },
          ],
        },
      ],
      servers: [adServer("ad-8443.contoso.com"), adServer("ad-p20.contoso.com"), adServer("ad-p10.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    via: pox("ad-p10.contoso.com"),
    untouched: ["ad-8443.contoso.com", "ad-p20.contoso.com"],
  },
  {
    name: "SRV: a failing target hands over to the next priority",
    spec: org({
      domains: [
        {
          name: "contoso.com",
          srv: [
            { target: "ad-p20.contoso.com", priority: 20 },
            { target: "ad-p10.contoso.com", priority: 10 },
          ],
        },
      ],
      // ad-p10 serves no Autodiscover (404 for POX and SOAP).
      servers: [{ name: "ad-p10.contoso.com", ews: false }, adServer("ad-p20.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    via: pox("ad-p20.contoso.com"),
    order: ["ad-p10.contoso.com", "ad-p20.contoso.com"],
  },
  {
    name: "SRV: within one priority the heavier weight goes first",
    spec: org({
      domains: [
        {
          name: "contoso.com",
          srv: [
            { target: "ad-light.contoso.com", priority: 5, weight: 0 },
            { target: "ad-heavy.contoso.com", priority: 5, weight: 100 },
          ],
        },
      ],
      servers: [adServer("ad-light.contoso.com"), adServer("ad-heavy.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    via: pox("ad-heavy.contoso.com"),
    untouched: ["ad-light.contoso.com"],
  },
  {
    name: "SRV: a target outside the profile's domains is skipped without credentials",
    spec: org({
      domains: [
        {
          name: "contoso.com",
          srv: [
            { target: "autodiscover.hoster.net", priority: 1 },
            { target: "ad-srv.contoso.com", priority: 2 },
          ],
        },
        { name: "hoster.net" },
      ],
      servers: [adServer("autodiscover.hoster.net"), adServer("ad-srv.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    via: pox("ad-srv.contoso.com"),
    untouched: ["autodiscover.hoster.net"],
  },
  {
    name: "redirectAddr to an address in a trusted domain is followed",
    spec: org({
      domains: [{ name: "contoso.com" }, { name: "litware.com" }],
      servers: [adServer("autodiscover.contoso.com"), adServer("autodiscover.litware.com"), mailboxHome, { name: "mail.litware.com" }],
      mailboxes: [user({ redirectAddr: "user@litware.com" }), { address: "user@litware.com", server: "mail.litware.com" }],
    }),
    trusted: ["litware.com"],
    via: pox("autodiscover.litware.com"),
    address: "user@litware.com",
    ewsUrl: "https://mail.litware.com/EWS/Exchange.asmx",
  },
  {
    name: "redirectUrl (https, inside the domain) is followed",
    spec: org({
      servers: [adServer("autodiscover.contoso.com"), adServer("ad2.contoso.com"), mailboxHome],
      mailboxes: [user({ redirectUrl: pox("ad2.contoso.com") })],
    }),
    via: pox("ad2.contoso.com"),
  },
  {
    name: "ten redirectAddr hops are still allowed",
    spec: chain(10),
    via: pox("autodiscover.contoso.com"),
    address: "u10@contoso.com",
  },
  {
    name: "a POX-less endpoint falls back to SOAP GetUserSettings",
    spec: org({ servers: [adServer("autodiscover.contoso.com", { pox: false }), mailboxHome], mailboxes: [user()] }),
    via: "https://autodiscover.contoso.com/autodiscover/autodiscover.svc",
  },
];

interface Refused {
  name: string;
  spec: OrgSpec;
  address?: string;
  expected: Expected;
  untouched?: string[];
  /** Domains whose hosts may have seen credentials (default contoso.com). */
  domains?: string[];
}

const refused: Refused[] = [
  {
    name: "an http Location of the redirect probe",
    spec: org({
      servers: [{ name: "autodiscover.contoso.com", ews: false, httpRedirect: "http://adfs-redirect.contoso.com/autodiscover/autodiscover.xml" }, adServer("adfs-redirect.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    expected: { category: "autodiscover-redirect-refused", code: "302", transient: false },
    untouched: ["adfs-redirect.contoso.com"],
  },
  {
    name: "a Location of the redirect probe that is not an Autodiscover path",
    spec: org({
      servers: [{ name: "autodiscover.contoso.com", ews: false, httpRedirect: "https://adfs-redirect.contoso.com/owa/" }, adServer("adfs-redirect.contoso.com"), mailboxHome],
      mailboxes: [user()],
    }),
    expected: { category: "autodiscover-redirect-refused", code: "302", transient: false },
    untouched: ["adfs-redirect.contoso.com"],
  },
  {
    name: "redirectAddr to an untrusted domain",
    spec: org({
      domains: [{ name: "contoso.com" }, { name: "fabrikam.com" }],
      servers: [adServer("autodiscover.contoso.com"), adServer("autodiscover.fabrikam.com"), adServer("fabrikam.com"), mailboxHome, { name: "mail.fabrikam.com" }],
      mailboxes: [user({ redirectAddr: "user@fabrikam.com" }), { address: "user@fabrikam.com", server: "mail.fabrikam.com" }],
    }),
    expected: { category: "autodiscover-redirect-refused", code: "redirect-address", transient: false },
    untouched: ["autodiscover.fabrikam.com", "fabrikam.com"],
  },
  {
    name: "redirectUrl to an untrusted host",
    spec: org({
      domains: [{ name: "contoso.com" }, { name: "fabrikam.com" }],
      servers: [adServer("autodiscover.contoso.com"), adServer("autodiscover.fabrikam.com"), mailboxHome],
      mailboxes: [user({ redirectUrl: pox("autodiscover.fabrikam.com") })],
    }),
    expected: { category: "autodiscover-redirect-refused", code: "redirect-url", transient: false },
    untouched: ["autodiscover.fabrikam.com"],
  },
  {
    name: "redirectUrl over http",
    spec: org({
      servers: [adServer("autodiscover.contoso.com"), adServer("ad2.contoso.com"), mailboxHome],
      mailboxes: [user({ redirectUrl: "http://ad2.contoso.com/autodiscover/autodiscover.xml" })],
    }),
    expected: { category: "insecure-url", code: "redirect-url", transient: false },
    untouched: ["ad2.contoso.com"],
  },
  {
    name: "eleven redirectAddr hops (more than 10 redirects)",
    spec: chain(11),
    address: "u0@contoso.com",
    expected: { category: "autodiscover-redirect-loop", code: "RedirectLoop", transient: false },
  },
  {
    name: "a redirectAddr loop a → b → a",
    spec: org({
      servers: [adServer("autodiscover.contoso.com"), mailboxHome],
      mailboxes: [
        { address: "a@contoso.com", server: "mail.contoso.com", knobs: { redirectAddr: "b@contoso.com" } },
        { address: "b@contoso.com", server: "mail.contoso.com", knobs: { redirectAddr: "a@contoso.com" } },
      ],
    }),
    address: "a@contoso.com",
    expected: { category: "autodiscover-redirect-loop", code: "RedirectLoop", transient: false },
  },
];

/** u0 → u1 → … → u<hops> by redirectAddr; the last one has a mailbox. */
function chain(hops: number): OrgSpec {
  const mailboxes: MailboxSpec[] = Array.from({ length: hops + 1 }, (_, i) => ({
    address: `u${i}@contoso.com`,
    server: "mail.contoso.com",
    knobs: i < hops ? { redirectAddr: `u${i + 1}@contoso.com` } : {},
  }));
  return org({ servers: [adServer("autodiscover.contoso.com"), mailboxHome], mailboxes });
}

const hostsAsked = (requests: { host: string }[]) => [...new Set(requests.map((r) => r.host))];

describe("Autodiscover finds the EWS URL", () => {
  it.each(found)("$name", async (c) => {
    const address = c.spec.mailboxes[0]!.address;
    const p = profile((input) => ({ ...input, trustedDomains: c.trusted ?? [], mailboxes: [{ address, approved: true }] }));
    await withOrg(c.spec, p, {}, async (sim, session) => {
      const result = await discover(session, address);
      expect(result.ok ? result.value : result.failure).toMatchObject({ via: c.via, ewsUrl: c.ewsUrl ?? ews, address: c.address ?? address });
      const asked = hostsAsked(sim.counters.requests);
      for (const host of c.untouched ?? []) expect(asked).not.toContain(host);
      if (c.order) expect(asked.filter((h) => c.order!.includes(h))).toEqual(c.order);
      expectNoLeak(sim, c.spec, ["contoso.com", ...(c.trusted ?? [])]);
    });
  });

  it("the http redirect probe itself is anonymous", async () => {
    const c = found[2]!;
    await withOrg(c.spec, profile(), {}, async (sim, session) => {
      expect((await discover(session, "user@contoso.com")).ok).toBe(true);
      const probes = sim.counters.requests.filter((r) => r.protocol === "http");
      expect(probes.map(({ host, method, path, protocol }) => ({ host, method, path, protocol }))).toEqual([{ host: "autodiscover.contoso.com", method: "GET", path: "/autodiscover/autodiscover.xml", protocol: "http" }]);
      expect(sim.counters.credentials.filter((r) => r.protocol === "http")).toEqual([]);
    });
  });
});

describe("Autodiscover refuses", () => {
  it.each(refused)("$name", async (c) => {
    const address = c.address ?? c.spec.mailboxes[0]!.address;
    await withOrg(c.spec, profile(), {}, async (sim, session) => {
      const result = await discover(session, address);
      expect(result.ok).toBe(false);
      expect(essentials(result.ok ? undefined : result.failure)).toEqual(c.expected);
      const asked = hostsAsked(sim.counters.requests);
      for (const host of c.untouched ?? []) expect(asked).not.toContain(host);
      // Nothing with credentials outside contoso.com, nothing over http.
      expect(sim.counters.credentials.filter((r) => !r.host.endsWith("contoso.com"))).toEqual([]);
      expectNoLeak(sim, c.spec, c.domains ?? ["contoso.com"]);
    });
  });
});
