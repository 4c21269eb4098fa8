import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBrowser, type Browser, type WatchedPage } from "../support/browser.js";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { contosoProfile, litwareProfile } from "../support/cycle-org.js";

/**
 * GET /api/dashboard and /api/dashboard/{id} on the LOCAL HOST after a real cycle against the simulator, opened in
 * headless Chromium with the key as ?code= (as a link in the alert email would carry it). Screenshots in test-output/.
 */

const outputDir = "test-output";
const hostileName = "<script>alert(1)</script>";
const key = `dash-${process.pid}-${Date.now()}`;

let app: CycleApp;
let browser: Browser;

beforeAll(async () => {
  await mkdir(outputDir, { recursive: true });
  const hostile = { ...contosoProfile(), id: "hostile", name: hostileName };
  app = await startCycleApp([contosoProfile(), litwareProfile(), hostile], { keys: { function: key, admin: `${key}-admin` } });
  await app.host.timers.fire("schedule");
  await app.host.queues.idle(60_000);
  browser = await openBrowser(app.host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const origin = () => new URL(app.host.url).origin;

async function expectOnlyTheApp(w: WatchedPage): Promise<void> {
  expect(w.dialogs).toEqual([]);
  expect(w.pageErrors).toEqual([]);
  expect(w.consoleErrors).toEqual([]);
  expect(w.refused).toEqual([]);
  for (const url of w.requests) expect(url.startsWith(`${origin()}/`) || url.startsWith("data:"), url).toBe(true);
}

describe("the dashboard on the local host, after a cycle against the simulator", () => {
  it("counts the cycle's failed mailboxes per category in /api/metrics, as many as failed", async () => {
    const text = await (await fetch(`${app.host.url}/api/metrics?code=${encodeURIComponent(key)}`)).text();
    const byCategory = [...text.matchAll(/^exchange_sync_mailboxes_failed_by_category\{profile="litware",category="([a-z-]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(byCategory.length).toBeGreaterThan(1);
    expect(byCategory.reduce((n, [, v]) => n + v, 0)).toBe(10);
    expect(text).toMatch(/^exchange_sync_mailboxes_failed\{profile="litware"\} 10$/m);
  });

  it("needs the key", async () => {
    expect((await fetch(`${app.host.url}/api/dashboard`)).status).toBe(401);
    expect((await fetch(`${app.host.url}/api/dashboard?code=wrong`)).status).toBe(401);
  });

  it("shows every profile with 24 bars, the hostile name as text, and asks nothing of anyone but the app", async () => {
    const w = await browser.newPage();
    const response = await w.page.goto(`${app.host.url}/api/dashboard?code=${encodeURIComponent(key)}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    const rows = w.page.locator("table.profiles tr.profile");
    expect((await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-profile-id")))).sort()).toEqual(["contoso", "hostile", "litware"]);
    for (let i = 0; i < 3; i++) expect(await rows.nth(i).locator("svg.chart rect.bar").count()).toBe(24);
    expect(await w.page.locator(`tr[data-profile-id="hostile"] a.name`).innerText()).toBe(hostileName);
    expect(await w.page.locator("script").count()).toBe(0);
    // Litware fails (10 of 15 mailboxes), Contoso is healthy; the last cycle is shown.
    expect(await w.page.locator(`tr[data-profile-id="litware"] .health-failing`).count()).toBe(1);
    expect(await w.page.locator(`tr[data-profile-id="contoso"] .health-ok`).count()).toBe(1);
    expect(await w.page.locator(`tr[data-profile-id="contoso"]`).innerText()).toMatch(/(just now|min ago)\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await expectOnlyTheApp(w);
    await w.page.screenshot({ path: `${outputDir}/dashboard-live.png`, fullPage: true });
  });

  it("follows a failing profile's link to its failing mailboxes grouped by diagnosis, with the remediation", async () => {
    const w = await browser.newPage();
    await w.page.goto(`${app.host.url}/api/dashboard?code=${encodeURIComponent(key)}`);
    await Promise.all([w.page.waitForURL(/\/api\/dashboard\/litware\?code=/), w.page.locator(`tr[data-profile-id="litware"] a.name`).click()]);
    expect(await w.page.locator("h1").innerText()).toBe("Litware");
    const groups = w.page.locator("#failing .group");
    expect(await groups.count()).toBeGreaterThan(1);
    const remediations = await w.page.locator("#failing .group .remediation").allInnerTexts();
    expect(remediations.length).toBeGreaterThan(0);
    expect(remediations.every((r) => r.trim().length > 10)).toBe(true);
    expect(await w.page.locator("#test-connection li").count()).toBeGreaterThan(0);
    expect(await w.page.locator("svg.chart rect.bar").count()).toBe(24);
    await expectOnlyTheApp(w);
    await w.page.screenshot({ path: `${outputDir}/dashboard-live-profile.png`, fullPage: true });
  });

  it("shows the hostile profile's page with its name as heading text, and a 404 page for an unknown id", async () => {
    const w = await browser.newPage();
    await w.page.goto(`${app.host.url}/api/dashboard/hostile?code=${encodeURIComponent(key)}`);
    expect(await w.page.locator("h1").innerText()).toBe(hostileName);
    expect(await w.page.locator("script").count()).toBe(0);
    await expectOnlyTheApp(w);
    const missing = await w.page.goto(`${app.host.url}/api/dashboard/nope?code=${encodeURIComponent(key)}`);
    expect(missing?.status()).toBe(404);
  });
});
