import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardHeaders, renderOverview, renderProfilePage, type ProfilePageModel } from "../../lib/status/dashboard/index.js";
import { openBrowser, type Browser, type WatchedPage } from "../support/browser.js";
import { servePages, type PageResponse, type PageServer } from "../support/page-server.js";
import { attributeBreaker, hostileMessage, hostileName, overviewModel, profilePageModel } from "./dashboard-fixtures.js";

/**
 * The dashboard pages in a real browser (Debian's Chromium, headless), served over HTTP with the headers
 * the route will send. The key must come back as ?code= on every page, as the function host demands.
 */

const key = `test-key-${process.pid}-${Date.now()}`;
const outputDir = "test-output";

function keyed(render: () => string): (query: URLSearchParams) => PageResponse {
  return (query) =>
    query.get("code") === key ? { status: 200, headers: dashboardHeaders(), body: render() } : { status: 401, headers: { "Content-Type": "text/plain" }, body: "key required" };
}

const hostilePage = (): ProfilePageModel => {
  const model = profilePageModel(key);
  return { ...model, profile: { ...model.profile, profileId: "hostile", name: hostileName } };
};

let server: PageServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(outputDir, { recursive: true });
  server = await servePages({
    "/api/dashboard": keyed(() => renderOverview(overviewModel(key))),
    "/api/dashboard/fabrikam": keyed(() => renderProfilePage(profilePageModel(key))),
    "/api/dashboard/hostile": keyed(() => renderProfilePage(hostilePage())),
    // Not a dashboard page: shows that the harness sees what a leaky page would do.
    "/leaky": () => ({
      status: 200,
      headers: { "Content-Type": "text/html; charset=utf-8" },
      body: `<!doctype html><title>leaky</title><img src="http://198.51.100.7/pixel.png"><script>window.__pwned = 5</script>`,
    }),
  });
  browser = await openBrowser(server.origin);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Nothing ran that the page did not write, nothing was asked of anyone but the app, the stylesheet applied. */
async function expectInert(w: WatchedPage): Promise<void> {
  expect(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(w.dialogs).toEqual([]);
  expect(w.pageErrors).toEqual([]);
  // A CSP violation (a style or script the policy refused) is reported on the console.
  expect(w.consoleErrors).toEqual([]);
  expect(w.refused).toEqual([]);
  expect(w.requests.length).toBeGreaterThan(0);
  for (const url of w.requests) expect(url.startsWith(`${server.origin}/`) || url.startsWith("data:"), url).toBe(true);
  // The hash in the Content-Security-Policy matches the stylesheet: its rules are in force.
  const failingBadge = w.page.locator(".health-failing").first();
  expect(await failingBadge.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(214, 69, 65)");
}

describe("the dashboard in a browser", () => {
  it("(the harness) sees a script run and refuses a request to another origin", async () => {
    const w = await browser.newPage();
    await w.page.goto(`${server.origin}/leaky`);
    expect(await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBe(5);
    await expect.poll(() => w.refused).toEqual(["http://198.51.100.7/pixel.png"]);
    expect(w.requests).toContain("http://198.51.100.7/pixel.png");
  });

  it("shows every profile with 24 bars, the hostile name as text, and asks nothing of anyone but the app", async () => {
    const w = await browser.newPage();
    const response = await w.page.goto(`${server.origin}/api/dashboard?code=${encodeURIComponent(key)}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");

    const rows = w.page.locator("table.profiles tr.profile");
    expect(await rows.count()).toBe(4);
    expect(await rows.locator("a.name").allTextContents()).toEqual(["Contoso (on-premises)", "Fabrikam", "Northwind", hostileName]);
    for (let i = 0; i < 4; i++) expect(await rows.nth(i).locator("svg.chart rect.bar").count()).toBe(24);
    const fabrikam = w.page.locator(`tr[data-profile-id="fabrikam"]`);
    expect(await fabrikam.locator(`rect.bar[data-state="no-data"]`).count()).toBe(19);
    expect(await fabrikam.locator(`rect.bar[data-maintenance="true"]`).count()).toBe(2);
    expect(await fabrikam.locator(".maint").innerText()).toContain("In maintenance until 2026-11-30 15:00 UTC");

    // The hostile name is the text of its link and nowhere markup: no script element, no handler attribute.
    expect(await rows.nth(3).locator("a.name").isVisible()).toBe(true);
    expect(await w.page.locator("script").count()).toBe(0);
    expect(await w.page.locator("[onmouseover], [onerror]").count()).toBe(0);
    expect(await w.page.locator(`tr[data-profile-id="hostile"] .sub`).first().innerText()).toContain(attributeBreaker);

    // The stale profile stands out.
    expect(await w.page.locator(`tr[data-profile-id="northwind"]`).getAttribute("class")).toContain("stale");
    expect(await w.page.locator(`tr[data-profile-id="northwind"] .stale-time`).innerText()).toContain("4 h 15 min ago");

    await expectInert(w);
    await w.page.screenshot({ path: `${outputDir}/dashboard.png`, fullPage: true });
  });

  it("follows a profile's link with the key to its failing mailboxes, grouped, with what to do", async () => {
    const w = await browser.newPage();
    await w.page.goto(`${server.origin}/api/dashboard?code=${encodeURIComponent(key)}`);
    await Promise.all([w.page.waitForURL(/\/api\/dashboard\/fabrikam\?code=/), w.page.locator(`tr[data-profile-id="fabrikam"] a.name`).click()]);
    expect(await w.page.locator("h1").innerText()).toBe("Fabrikam");

    const groups = w.page.locator("#failing .group");
    expect(await groups.evaluateAll((els) => els.map((el) => el.getAttribute("data-category")))).toEqual(["auth-failed", "mailbox-not-found", "none"]);
    const auth = w.page.locator(`#failing .group[data-category="auth-failed"]`);
    expect(await auth.locator(".remediation").innerText()).toContain("Check the password of svc-crm@fabrikam.com in FABRIKAM_EWS_PASSWORD");
    expect(await auth.locator(`tr[data-address="bob@fabrikam.com"]`).innerText()).toMatch(/Retrying\s+next try 2026-11-30 14:40 UTC \(in 20 min\)/);
    expect(await auth.locator(`tr[data-address="ann@fabrikam.com"]`).innerText()).toContain("Disabled");
    // Exchange's own words, hostile ones included, are text.
    expect(await w.page.locator(`#failing .group[data-category="mailbox-not-found"] .message`).first().innerText()).toContain(hostileMessage);
    expect(await w.page.locator(`#failing tr.mailbox[data-address='${attributeBreaker.replace(/'/g, "\\'")}']`).count()).toBe(1);
    expect(await w.page.locator(`#test-connection li[data-step="ews"]`).innerText()).toMatch(/failed ews/);
    expect(await w.page.locator("#emails tr.email").count()).toBe(2);
    expect(await w.page.locator("#maintenance li").count()).toBe(2);

    await expectInert(w);
    const fabrikamPages = server.served.filter((p) => p.startsWith("/api/dashboard/fabrikam"));
    expect(fabrikamPages.length).toBeGreaterThan(0);
    expect(fabrikamPages.every((p) => p.includes(`code=${encodeURIComponent(key)}`))).toBe(true);
    await w.page.screenshot({ path: `${outputDir}/dashboard-profile.png`, fullPage: true });
  });

  it("shows a hostile profile name as the page's heading and title text", async () => {
    const w = await browser.newPage();
    await w.page.goto(`${server.origin}/api/dashboard/hostile?code=${encodeURIComponent(key)}`);
    expect(await w.page.locator("h1").innerText()).toBe(hostileName);
    expect(await w.page.title()).toBe(`${hostileName} · Exchange sync monitor`);
    await expectInert(w);
  });

  it("turns the tables into cards on a phone", async () => {
    const w = await browser.newPage({ width: 390, height: 844 });
    await w.page.goto(`${server.origin}/api/dashboard?code=${encodeURIComponent(key)}`);
    expect(await w.page.locator("table.profiles thead").evaluate((el) => getComputedStyle(el).display)).toBe("none");
    expect(await w.page.locator("table.profiles tr.profile").first().evaluate((el) => getComputedStyle(el).display)).toBe("block");
    // Nothing wider than the screen: no sideways scrolling.
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectInert(w);
    await w.page.screenshot({ path: `${outputDir}/dashboard-phone.png`, fullPage: true });
  });
});
