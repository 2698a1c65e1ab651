/**
 * Honesty: coverage, the held time span and the connection state, and reconnection after a
 * server restart.
 */
import { describe, expect, it } from 'vitest';
import { newPage } from './browser.js';
import { open, shot } from './pages.js';
import { startServe, type Served } from './serve.js';
import { browserSession } from './session.js';

const s = browserSession();

describe('honesty', () => {
  it('shows coverage and the held time span, and reconnects by itself after a restart', async () => {
    const first = await startServe({ sources: ['simulator:healthy'], extra: ['--sim-rate', '50'] });
    const port = first.port;
    let second: Served | undefined;
    const { page } = await newPage(s.ctx);
    try {
      await open(page, first.url, '/flows', 60_000);
      await expect
        .poll(() => page.getAttribute('[data-testid="connection"]', 'data-state'))
        .toBe('connected');
      await expect
        .poll(() => page.textContent('[data-testid="store-span"]'), { timeout: 15_000 })
        .toMatch(/holds \d{4}-\d\d-\d\d/);
      await expect
        .poll(() => page.textContent('[data-testid="nodes"]'), { timeout: 15_000 })
        .toMatch(/nodes 1\/1 answered/);
      await first.stop();
      await expect
        .poll(() => page.getAttribute('[data-testid="connection"]', 'data-state'), { timeout: 30_000 })
        .toBe('reconnecting');
      await shot(page, 'reconnecting');
      second = await startServe({ sources: ['simulator:healthy'], port, extra: ['--sim-rate', '50'] });
      await expect
        .poll(() => page.getAttribute('[data-testid="connection"]', 'data-state'), { timeout: 60_000 })
        .toBe('connected');
      const before = Number(
        /(\d+) received/.exec((await page.textContent('[data-testid="flow-count"]')) ?? '')?.[1],
      );
      await expect
        .poll(
          async () =>
            Number(/(\d+) received/.exec((await page.textContent('[data-testid="flow-count"]')) ?? '')?.[1]),
          { timeout: 30_000 },
        )
        .toBeGreaterThan(before);
    } finally {
      await page.close();
      await first.stop();
      await second?.stop();
    }
  });
});
