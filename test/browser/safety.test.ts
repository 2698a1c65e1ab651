/**
 * Safety: attacker-controlled strings stay text (nothing executes, no element is created), and
 * the token is asked for and kept in sessionStorage only.
 */
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPage } from './browser.js';
import { PAYLOADS } from './fixtures.js';
import { expandAllRows, open, prepareContext, shot, xssEvidence } from './pages.js';
import { startServe } from './serve.js';
import { browserSession, VIEWPORT } from './session.js';

const s = browserSession();

describe('safety', () => {
  it('renders attacker-controlled strings as text: nothing executes, no element is created', async () => {
    const pages: [string, (p: Page) => Promise<void>][] = [
      [
        '/flows?mode=range&range=1h&filter=--namespace+xss',
        async (p) => {
          await p.click('[data-testid="flow-row"] >> nth=0');
          await p.waitForSelector('[data-testid="flow-drawer"]');
        },
      ],
      ['/dashboards/dns-cluster?range=1h', async () => undefined],
      ['/dashboards/pod-flows-namespace?range=1h&var-namespace=xss', async (p) => expandAllRows(p)],
      ['/dashboards/drops-workload?range=1h&var-namespace=xss', async () => undefined],
      [
        '/service-map?range=1h&ns=xss',
        async (p) => {
          await p.evaluate(() => {
            const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
            cy.nodes()
              .filter((n) => !n.data('isGroup'))[0]
              ?.emit('tap');
          });
        },
      ],
    ];
    for (const [path, act] of pages) {
      const { page } = await newPage(s.ctx);
      await open(page, s.url, path, 90_000);
      await act(page);
      await page.waitForTimeout(1000);
      const ev = await xssEvidence(page);
      expect(ev.executed, path).toBeUndefined();
      expect(ev.created, path).toEqual([]);
      expect(await page.locator('img, iframe, svg, object, embed').count(), path).toBe(0);
      if (path.startsWith('/flows')) {
        // The payloads are on screen, as text.
        const body = (await page.textContent('body')) ?? '';
        expect(body).toContain(PAYLOADS.img);
        expect(body).toContain(PAYLOADS.script);
        await shot(page, 'xss-inert-flows');
      }
      await page.close();
    }
  });

  it('asks for the token when the server requires one and keeps it in sessionStorage only', async () => {
    const locked = await startServe({
      sources: [`file:${join(inject('dataDir'), 'xss.jsonl')}`],
      extra: ['--auth-token', 's3cret-token-for-the-browser-suite'],
    });
    const c2 = await s.chrome.browser.newContext({ viewport: VIEWPORT });
    await prepareContext(c2);
    try {
      const page = await c2.newPage();
      await page.goto(`${locked.url}/flows?mode=range&range=1h`);
      await page.waitForSelector('[data-testid="token-prompt"]');
      await page.fill('[data-testid="token-input"]', 'wrong');
      await page.press('[data-testid="token-input"]', 'Enter');
      await expect.poll(() => page.textContent('[data-testid="token-prompt"]')).toContain('rejected');
      await shot(page, 'token-prompt');
      await page.fill('[data-testid="token-input"]', 's3cret-token-for-the-browser-suite');
      await page.press('[data-testid="token-input"]', 'Enter');
      await page.waitForSelector('[data-testid="flow-row"]', { timeout: 30_000 });
      expect(await page.locator('[data-testid="token-prompt"]').count()).toBe(0);
      const stored = await page.evaluate(() => ({
        session: sessionStorage.getItem('flowlens.token'),
        local: JSON.stringify(localStorage),
      }));
      expect(stored.session).toBe('s3cret-token-for-the-browser-suite');
      expect(stored.local).not.toContain('s3cret');
      // A new tab (new session) asks again.
      const other = await c2.newPage();
      await other.goto(`${locked.url}/flows`);
      await other.waitForSelector('[data-testid="token-prompt"]');
    } finally {
      await c2.close();
      await locked.stop();
    }
  });
});
