import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, signedInPage } from './browser.js';
import { closeDb } from './db.js';
import { type Member, seminar, sessionOf, type Seminar } from './fixtures.js';
import { type RunningServer, startServer } from './server.js';

/** Browser tests do a lot in one go on a busy machine. */
export const LONG = 180_000;

/** How long a browser test waits for the page to show something: generously, on a busy machine. */
export const PATIENCE = { timeout: 20_000, interval: 100 } as const;

export interface BrowserSeminar {
  server: RunningServer;
  browser: Browser;
  s: Seminar;
}

/**
 * The world of a browser test file: the whole app (pages included) with a seminar and a Chromium, set up before the
 * file's tests and torn down after them; `ready` receives it once it is up. Pages open signed in as a member, and
 * collect their uncaught and console errors (hydration mismatches, failed effects…) in `pageErrors`.
 */
export function useBrowserSeminar(ready: (world: BrowserSeminar) => void): {
  pageAs: (m: Member) => Promise<Page>;
  pageErrors: string[];
} {
  let world: BrowserSeminar | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    const server = await startServer({ POST_BURST: '1000', POST_PER_MINUTE: '1000' });
    world = { server, s: await seminar(server), browser: await launchBrowser() };
    ready(world);
  }, LONG);
  afterAll(async () => {
    await world?.browser.close();
    await world?.server.close();
    await closeDb();
  }, LONG);

  async function pageAs(m: Member): Promise<Page> {
    const page = await signedInPage(world!.browser, world!.server.url, sessionOf(m.agent));
    page.on('pageerror', (e) => pageErrors.push(`${m.displayName}: ${e.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text()))
        pageErrors.push(`${m.displayName}: ${msg.text()}`);
    });
    return page;
  }
  return { pageAs, pageErrors };
}
