/**
 * Page-level helpers of the browser suite: what "loaded" means for each route, the XSS watch
 * installed before any page script runs, and screenshots into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'docs/screenshots');

/** Every route of the UI (App.tsx). */
export const ROUTES = [
  '/dashboards/clusters',
  '/dashboards/dns-cluster',
  '/dashboards/dns-workload',
  '/dashboards/drops-workload',
  '/dashboards/pod-flows-namespace',
  '/dashboards/pod-flows-workload',
  '/dashboards/l7-namespace',
  '/dashboards/l7-workload',
  '/service-map',
  '/flows',
  '/diagnosis',
] as const;

/** The selector that appears once a route has loaded its data. */
export function readySelector(path: string): string {
  if (path.startsWith('/dashboards/')) return '[data-testid="dashboard"][data-ready="true"]';
  if (path.startsWith('/service-map')) return '[data-testid="service-map"][data-layout-done]';
  if (path.startsWith('/flows')) return '[data-testid="flow-row"], [data-testid="flows-error"]';
  return '[data-testid="diagnosis-page"]:not([data-state="loading"])';
}

/**
 * Installed in every page before its scripts: records any element that could run code (img,
 * script without src, iframe, svg, object, embed, or anything with an on* attribute) created
 * after the page starts, and shims esbuild's `__name` helper used by evaluated test functions.
 */
export const WATCH_SCRIPT = `
window.__name = (f) => f;
window.__created = [];
(() => {
  const bad = (e) => {
    const t = e.tagName.toUpperCase();
    if (t === 'SCRIPT') return !e.getAttribute('src');
    if (['IMG', 'IFRAME', 'SVG', 'OBJECT', 'EMBED', 'FRAME'].includes(t)) return true;
    return [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'));
  };
  new MutationObserver((ms) => {
    for (const m of ms) for (const n of m.addedNodes) {
      if (n.nodeType !== 1) continue;
      for (const e of [n, ...n.querySelectorAll('*')]) if (bad(e)) window.__created.push(e.outerHTML.slice(0, 160));
    }
  }).observe(document, { childList: true, subtree: true });
})();
`;

export async function prepareContext(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(WATCH_SCRIPT);
}

/** Goes to a route and waits for its data. */
export async function open(page: Page, base: string, path: string, timeout = 60_000): Promise<number> {
  const t0 = Date.now();
  await page.goto(base + path);
  await page.waitForSelector(readySelector(path.split('?')[0]), { timeout });
  return Date.now() - t0;
}

/**
 * Opens every collapsed dashboard row and scrolls every panel into view (panels load lazily, as
 * in Grafana), then waits until all of them are done.
 */
export async function expandAllRows(page: Page): Promise<void> {
  for (;;) {
    const closed = page.locator('button.row-title[aria-expanded="false"]');
    if ((await closed.count()) === 0) break;
    await closed.first().click();
  }
  for (let i = 0; i < 300; i++) {
    const idle = page.locator('[data-testid="panel"][data-state="idle"]');
    if ((await idle.count()) === 0) break;
    await idle
      .first()
      .scrollIntoViewIfNeeded({ timeout: 2000 })
      .catch(() => undefined);
    await page.waitForTimeout(100);
  }
  await page.waitForSelector('[data-testid="dashboard"][data-ready="true"]', { timeout: 120_000 });
}

/** Full-page screenshot into docs/screenshots/NAME.png. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** XSS evidence on a page: executed payloads and code-capable elements created. */
export async function xssEvidence(page: Page): Promise<{ executed: unknown; created: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __xss?: unknown; __created?: string[] };
    return { executed: w.__xss, created: w.__created ?? [] };
  });
}
