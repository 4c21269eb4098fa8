import { describe, expect, it } from "vitest";
import { escapeHtml, html } from "../../lib/status/dashboard/html.js";
import { groupByDiagnosis } from "../../lib/status/dashboard/group.js";
import { lastDayBars } from "../../lib/status/dashboard/hour-bars.js";
import { dashboardHeaders, pageHref, renderOverview, renderProfilePage } from "../../lib/status/dashboard/index.js";
import { css } from "../../lib/status/dashboard/style.js";
import { createHash } from "node:crypto";
import { attributeBreaker, hostileMessage, hostileName, now, overviewModel, profilePageModel } from "./dashboard-fixtures.js";

/** Every tag the page holds, by name: a hostile input that got through would add one. */
const tags = (page: string): string[] => [...page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());

/**
 * Every attribute name of every tag. A tag ends at the first ">" and a quoted value at the next quote,
 * because escaped input holds neither: an input that broke out would add a name such as "onmouseover".
 */
const attributeNames = (page: string): string[] =>
  [...page.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((tag) => [...tag[0].matchAll(/\s([^\s="'\/>]+)(?:="[^"]*")?/g)].map((m) => m[1]!.toLowerCase()));

describe("escaping", () => {
  it("escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;");
    expect(html`<p title="${attributeBreaker}">${hostileName}</p>`.text).toBe(
      `<p title="x&quot; onmouseover=&quot;window.__pwned=2&quot; data-x=&quot;">&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;</p>`,
    );
  });

  it("shows a hostile profile name, server type, address and Exchange message as text on both pages", () => {
    for (const page of [renderOverview(overviewModel()), renderProfilePage(profilePageModel())]) {
      expect(page).not.toContain(hostileName);
      expect(page).not.toContain(attributeBreaker);
      expect(attributeNames(page).filter((name) => name.startsWith("on"))).toEqual([]);
      expect(attributeNames(page)).toContain("data-label");
      expect(tags(page)).not.toContain("script");
      expect(tags(page)).not.toContain("img");
    }
    const overview = renderOverview(overviewModel());
    expect(overview).toContain(escapeHtml(hostileName));
    const profile = renderProfilePage({ ...profilePageModel(), profile: { ...profilePageModel().profile, name: hostileName } });
    expect(profile).toContain(`<title>${escapeHtml(hostileName)} · Exchange sync monitor</title>`);
    expect(renderProfilePage(profilePageModel())).toContain(escapeHtml(hostileMessage));
  });

  it("puts the key into links encoded and escaped", () => {
    const code = `k&y"<>=/+`;
    expect(pageHref({ basePath: "/api/dashboard/", code }, "contoso")).toBe("/api/dashboard/contoso?code=k%26y%22%3C%3E%3D%2F%2B");
    expect(pageHref({ basePath: "/api/dashboard" })).toBe("/api/dashboard");
    const page = renderOverview(overviewModel(code));
    expect(page).toContain(`href="/api/dashboard/fabrikam?code=k%26y%22%3C%3E%3D%2F%2B"`);
    expect(renderProfilePage(profilePageModel(code))).toContain(`href="/api/dashboard?code=k%26y%22%3C%3E%3D%2F%2B"`);
  });
});

describe("the hourly chart", () => {
  it("always has 24 bars ending with the current hour, hours without rows drawn as no data", () => {
    const bars = lastDayBars([{ start: "2026-11-30T13:00:00.000Z", processed: 10, failed: 6, maintenance: true }, { start: "2026-11-29T12:00:00.000Z", processed: 5, failed: 0 }], new Date(now));
    expect(bars).toHaveLength(24);
    expect(bars[0]!.start.toISOString()).toBe("2026-11-29T15:00:00.000Z");
    expect(bars[23]!.start.toISOString()).toBe("2026-11-30T14:00:00.000Z");
    expect(bars[22]).toMatchObject({ processed: 10, failed: 6, maintenance: true, state: "failing" });
    expect(bars.filter((b) => b.state === "no-data")).toHaveLength(23);
    expect(lastDayBars([], new Date(now))).toHaveLength(24);
  });

  it("classes each hour by the > 50% rule", () => {
    const at = (h: number) => `2026-11-30T${String(h).padStart(2, "0")}:00:00.000Z`;
    const bars = lastDayBars([{ start: at(10), processed: 10, failed: 0 }, { start: at(11), processed: 10, failed: 5 }, { start: at(12), processed: 10, failed: 6 }], new Date(now));
    expect(bars.slice(19, 22).map((b) => b.state)).toEqual(["ok", "some-failed", "failing"]);
  });

  it("draws 24 bars per profile on the overview, maintenance hours marked", () => {
    const page = renderOverview(overviewModel());
    const rows = page.split(`<tr class="profile`).slice(1);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.match(/<rect class="bar /g)).toHaveLength(24);
    const fabrikamRow = rows.find((r) => r.includes(`data-profile-id="fabrikam"`))!;
    expect(fabrikamRow.match(/data-state="no-data"/g)).toHaveLength(19);
    expect(fabrikamRow.match(/data-maintenance="true"/g)).toHaveLength(2);
  });
});

describe("the profile page", () => {
  it("groups failing mailboxes by diagnosis, largest group first, remediation once when shared", () => {
    const groups = groupByDiagnosis(profilePageModel().failingMailboxes.items);
    expect(groups.map((g) => [g.category, g.mailboxes.map((m) => m.address)])).toEqual([
      ["auth-failed", ["ann@fabrikam.com", "bob@fabrikam.com"]],
      ["mailbox-not-found", ["carol@fabrikam.com"]],
      [null, [attributeBreaker]],
    ]);
    expect(groups[0]!.remediation).toMatch(/FABRIKAM_EWS_PASSWORD/);
    const mixed = groupByDiagnosis([
      { ...profilePageModel().failingMailboxes.items[2]! },
      { ...profilePageModel().failingMailboxes.items[2]!, address: "dan@fabrikam.com", diagnosis: { ...profilePageModel().failingMailboxes.items[2]!.diagnosis!, remediation: "Other advice." } },
    ]);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]!.remediation).toBeUndefined();
  });

  it("shows each group's remediation, each mailbox's state and next try, the steps, alerts, emails and windows", () => {
    const page = renderProfilePage(profilePageModel());
    const authGroup = page.slice(page.indexOf(`data-category="auth-failed"`), page.indexOf(`data-category="mailbox-not-found"`));
    expect(authGroup).toContain("Check the password of svc-crm@fabrikam.com in FABRIKAM_EWS_PASSWORD");
    expect(authGroup).toContain("Disabled");
    expect(authGroup).toMatch(/Retrying.*next try 2026-11-30 14:40 UTC \(in 20 min\)/s);
    expect(page).toMatch(/data-step="ews"><span class="step-failed">failed/);
    expect(page).toMatch(/data-step="mailbox"><span class="step-skipped">skipped/);
    expect(page).toContain(`data-kind="mailbox-disabled">Mailbox disabled<span class="sub">to mailbox and owner`);
    expect(page).toContain("outcome unknown");
    expect(page).toContain("Every Monday 13:00–15:00, UTC — CU15 upgrade <strong>(in force now)</strong>");
    expect(page).toContain("2026-12-05 21:00 UTC – 2026-12-06 01:00 UTC");
    expect(page).toContain(`class="banner">In maintenance until 2026-11-30 15:00 UTC`);
  });

  it("says an alert's remediation once when the alert's text already quotes it, and adds it when it does not", () => {
    const base = profilePageModel();
    const alert = base.recentAlerts[0]!;
    const remediation = alert.diagnosis!.remediation;
    const count = (page: string) => page.split(remediation).length - 1;
    const alertsOf = (page: string) => page.slice(page.indexOf(`id="alerts"`), page.indexOf("</section>", page.indexOf(`id="alerts"`)));
    const quoting = { ...base, recentAlerts: [{ ...alert, message: `${alert.message} ${remediation}` }] };
    expect(count(alertsOf(renderProfilePage(quoting)))).toBe(1);
    expect(count(alertsOf(renderProfilePage(base)))).toBe(1);
  });

  it("leaves out what the model does not have yet", () => {
    const { emails: _e, maintenance: _m, emailsSent: _s, lastEmailAt: _l, ...rest } = profilePageModel();
    const { maintenanceNow: _n, lastCycleAt: _c, readiness: _r, ...profile } = rest.profile;
    const page = renderProfilePage({ ...rest, profile });
    expect(page).not.toContain(`id="maintenance"`);
    expect(page).not.toContain(`class="banner"`);
    expect(page).toContain(`id="emails"`);
  });
});

describe("the page's headers and policy", () => {
  it("allows exactly the page's stylesheet, and nothing to load or run", () => {
    const headers = dashboardHeaders();
    const hash = createHash("sha256").update(css).digest("base64");
    expect(headers["Content-Security-Policy"]).toBe(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    expect(headers).toMatchObject({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
    const page = renderOverview(overviewModel());
    expect(page).toContain(`<style>${css}</style>`);
    expect(page).not.toMatch(/\sstyle=/);
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe("profiles from Dataverse", () => {
  it("says what a profile without credentials needs, and shows Dynamics 365's verdict beside the probe's per mailbox", () => {
    const overview = overviewModel("k");
    const needs = "add an entry with clientSecretSetting for <Fabrikam> to the map file";
    const first = { ...overview.profiles[0]!, dynamics: { credentials: "missing" as const, needs, agreement: {} } };
    const text = renderOverview({ ...overview, profiles: [first, ...overview.profiles.slice(1)] });
    expect(text).toContain(`Needs credentials: ${escapeHtml(needs)}`);
    expect(text).toContain("from Dynamics 365");

    const model = profilePageModel("k");
    const page = renderProfilePage({
      ...model,
      profile: { ...model.profile, dynamics: { credentials: "mapped", agreement: { "both-fail": 1, "both-pass": 4 } } },
      dynamicsMailboxes: [
        { address: "ann@fabrikam.com", agreement: "both-fail", explanation: "Both fail: Exchange refuses <the password>.", reason: "Exchange refuses <the password>." },
        { address: "bob@fabrikam.com", agreement: "both-fail", explanation: "Both fail: an explanation without a reason." },
        { address: "ok@fabrikam.com", agreement: "both-pass", explanation: "Both pass." },
      ],
    });
    expect(page).toContain(`<li data-class="both-fail">1 both fail (Exchange side)</li>`);
    // Beside the class's label, the reason alone (the explanation when there is none).
    expect(page).toContain(`<td data-label="Why">Exchange refuses &lt;the password&gt;.</td>`);
    expect(page).toContain(`<td data-label="Why">Both fail: an explanation without a reason.</td>`);
    expect(page).not.toContain("ok@fabrikam.com</td>");
    // A profile not from Dataverse has no such section.
    expect(renderProfilePage(model)).not.toContain(`id="dynamics"`);
  });
});
