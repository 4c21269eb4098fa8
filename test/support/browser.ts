import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/**
 * Headless Chromium from the distribution (Debian's `chromium` package), driven by playwright-core: no
 * browser download. Every request that is not for the app's own origin is refused and recorded, so a
 * test can show that a page needs nothing but the app.
 */

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Without the background-networking flags Chromium tries Google's hosts at every start on this closed network. */
const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** One page and everything it did: requests (all, in order), refused ones, dialogs, console errors, script errors. */
export interface WatchedPage {
  page: Page;
  requests: string[];
  refused: string[];
  dialogs: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

export interface Browser {
  newPage(viewport?: { width: number; height: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

/** Opens Chromium with a fresh profile directory; only `appOrigin` (such as http://127.0.0.1:43121) may be reached. */
export async function openBrowser(appOrigin: string): Promise<Browser> {
  const profileDir = await mkdtemp(join(tmpdir(), "esm-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: flags,
      viewport: { width: 1280, height: 900 },
      serviceWorkers: "block",
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
  return {
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport !== undefined) await page.setViewportSize(viewport);
      const watched: WatchedPage = { page, requests: [], refused: [], dialogs: [], consoleErrors: [], pageErrors: [] };
      await page.route("**/*", async (route) => {
        const url = route.request().url();
        if (new URL(url).origin === appOrigin) return route.continue();
        watched.refused.push(url);
        return route.abort("blockedbyclient");
      });
      page.on("request", (request) => watched.requests.push(request.url()));
      page.on("dialog", (dialog) => {
        watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      page.on("console", (message) => {
        if (message.type() === "error") watched.consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => watched.pageErrors.push(error.message));
      return watched;
    },
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
