/**
 * Chromium for the browser suite: Debian's /usr/bin/chromium driven by playwright-core, with the
 * headless flags that work in this lab (../shared/specs/linux-lab.md §8), and a page helper that
 * records console errors, page errors and failed requests so every test can assert none happened.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags from linux-lab.md §8: no sandbox (root), no GPU, nothing reaching outside hosts. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Launched {
  browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium (playwright gives it a throw-away profile and removes it). */
export async function launch(): Promise<Launched> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/** What went wrong on a page. */
export interface PageProblems {
  console: string[];
  page: string[];
  requests: string[];
}

/** A page that records problems; `problems` is live. */
export async function newPage(ctx: BrowserContext): Promise<{ page: Page; problems: PageProblems }> {
  const page = await ctx.newPage();
  const problems: PageProblems = { console: [], page: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.page.push(String(e)));
  page.on('requestfailed', (r) => {
    const f = r.failure()?.errorText ?? '';
    // Navigations abort in-flight fetches and streams: not a failure of the page.
    if (!/ERR_ABORTED|NS_BINDING_ABORTED/.test(f)) problems.requests.push(`${r.url()} ${f}`);
  });
  return { page, problems };
}
