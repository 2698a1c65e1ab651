/**
 * Every route loads in Chromium without console errors, page errors or failed requests (and is
 * screenshotted into docs/screenshots/); the diagnosis page links its findings to the evidence.
 */
import { describe, expect, it } from 'vitest';
import { newPage } from './browser.js';
import { open, ROUTES, shot } from './pages.js';
import { browserSession, diagnosisMissing, unexpected } from './session.js';

const s = browserSession();

describe('every route', () => {
  it('loads with no console errors, page errors or failed requests, and is screenshotted', async () => {
    const missing = await diagnosisMissing(s.url);
    for (const route of ROUTES) {
      const { page, problems } = await newPage(s.ctx);
      const path = route.startsWith('/dashboards/') ? `${route}?range=1h` : route;
      await open(page, s.url, path, 90_000);
      await page.waitForTimeout(500);
      expect(unexpected(problems, missing && route === '/diagnosis'), route).toEqual([]);
      await shot(page, route.slice(1).replace(/\//g, '-'));
      await page.close();
    }
  });
});

describe('diagnosis', () => {
  it('lists findings with evidence, linked to the dashboard, the map and the flows', async () => {
    const { page, problems } = await newPage(s.ctx);
    await open(page, s.url, '/diagnosis?range=1h', 90_000);
    if (await diagnosisMissing(s.url)) {
      expect(await page.locator('[data-testid="diagnosis-missing"]').count()).toBe(1);
      return;
    }
    const kinds = await page.$$eval('[data-testid="finding"]', (els) =>
      els.map((e) => e.getAttribute('data-kind')),
    );
    expect(kinds).toContain('policy-drop');
    const first = page.locator('[data-testid="finding"][data-kind="policy-drop"]').first();
    expect(await first.locator('[data-testid="finding-evidence"] tr').count()).toBeGreaterThan(0);
    expect(await first.locator('a', { hasText: 'Dashboard panel' }).getAttribute('href')).toMatch(
      /^\/dashboards\/drops-workload\?var-namespace=/,
    );
    expect(await first.locator('a', { hasText: 'Map edge' }).getAttribute('href')).toMatch(
      /^\/service-map\?ns=/,
    );
    await first.locator('a', { hasText: 'Flows' }).first().click();
    await page.waitForURL(/\/flows\?/);
    await page.waitForSelector('[data-testid="flow-row"]', { timeout: 30_000 });
    expect(
      await page.$$eval('[data-testid="flow-row"]', (els) => els.map((e) => e.getAttribute('data-verdict'))),
    ).toContain('DROPPED');
    expect(unexpected(problems, false)).toEqual([]);
    await page.close();
  });
});
