/**
 * The eight ACNS dashboards: every panel renders data (over the visits listed), unavailable
 * panels say why, a heatmap cell opens its flows, and auto-refresh reloads.
 */
import { describe, expect, it } from 'vitest';
import { newPage } from './browser.js';
import { expandAllRows, open } from './pages.js';
import { browserSession, dataRange, unexpected } from './session.js';

const s = browserSession();

/** Variables each dashboard is checked with: together they must give every panel data. */
const VISITS: Record<string, string[]> = {
  clusters: [''],
  'dns-cluster': [''],
  'dns-workload': ['', '&var-namespace=webapp&var-workload=web'],
  'drops-workload': ['', '&var-namespace=microservices&var-workload=backend'],
  'pod-flows-namespace': ['', '&var-namespace=pets', '&var-namespace=microservices'],
  'pod-flows-workload': [
    '',
    '&var-namespace=pets&var-workload=rabbitmq',
    '&var-namespace=pets&var-workload=mongodb',
    '&var-namespace=ecommerce&var-workload=kafka',
    '&var-namespace=microservices&var-workload=backend',
    '&var-namespace=default&var-workload=kapinger-bad',
  ],
  'l7-namespace': ['', '&var-namespace=ecommerce'],
  'l7-workload': [
    '',
    '&var-namespace=ecommerce&var-workload=payment-gateway',
    '&var-namespace=ecommerce&var-workload=frontend',
  ],
};

/** Panels whose data flow records cannot provide (shown with the reason, never faked). */
const UNAVAILABLE = [
  'clusters-tcp-timeouts',
  'clusters-tcp-reorders',
  'clusters-rx-cache-full',
  'clusters-tx-no-op',
  'clusters-rx-comp-full',
  'clusters-tx-send-full',
];

describe('dashboards', () => {
  // Each visit loads every panel; some queries scan the whole hour in JavaScript (tens of seconds
  // on a loaded machine), so the time budget is per visit, not one for the whole test.
  for (const [id, visits] of Object.entries(VISITS)) {
    it(
      `${id}: every panel renders data`,
      async () => {
        const { page, problems } = await newPage(s.ctx);
        const best = new Map<string, string>();
        /** Queries of panels without data, per visit (to tell why, when one stays empty). */
        const emptyQueries = new Map<string, string[]>();
        let titles: string[] = [];
        for (const v of visits) {
          await open(page, s.url, `/dashboards/${id}?${dataRange()}${v}`, 90_000);
          await expandAllRows(page);
          const states = await page.$$eval('[data-testid="panel"]', (els) =>
            els.map((e) => [
              e.getAttribute('data-panel-id')!,
              e.getAttribute('data-state')!,
              e.getAttribute('data-panel-title')!,
              e.getAttribute('data-queries') ?? '',
            ]),
          );
          titles = states.map((s) => s[2]);
          for (const [pid, st, , q] of states) {
            if (best.get(pid) !== 'data') best.set(pid, st);
            if (st === 'nodata')
              emptyQueries.set(pid, [...(emptyQueries.get(pid) ?? []), `${v || '(default)'}: ${q}`]);
          }
        }
        // Every panel was loaded (none left idle below the fold), none failed or hung.
        const unfinished = [...best].filter(([, s]) => s === 'error' || s === 'loading' || s === 'idle');
        expect(unfinished, 'panels in error, still loading or never loaded').toEqual([]);
        const unavailable = [...best].filter(([, s]) => s === 'unavailable').map(([p]) => p);
        expect(unavailable).toEqual(
          UNAVAILABLE.filter(
            (u) => u.startsWith(`${id}-`) || (id === 'clusters' && u.startsWith('clusters-')),
          ),
        );
        const empty = [...best].filter(([, s]) => s === 'nodata').map(([p]) => [p, emptyQueries.get(p)]);
        expect(empty, `panels without data in every visit (${visits.length} visits)`).toEqual([]);
        expect(titles.length).toBeGreaterThan(5);
        expect(unexpected(problems, false)).toEqual([]);
        await page.close();
      },
      150_000 * visits.length,
    );
  }

  it('clicking a heatmap cell opens the flows behind it', async () => {
    const { page } = await newPage(s.ctx);
    await open(page, s.url, '/dashboards/drops-workload?range=1h', 90_000);
    const heat = page.locator('[data-panel-id="dw-heat-out"] [data-echarts]');
    const box = (await heat.boundingBox())!;
    // Cells without drops do nothing: try points across the plot area until one opens the flows.
    const points = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4].flatMap((fx) => [0.15, 0.35, 0.55].map((fy) => [fx, fy]));
    for (const [fx, fy] of points) {
      await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
      const moved = await page.waitForURL(/\/flows\?/, { timeout: 1500 }).then(
        () => true,
        () => false,
      );
      if (moved) break;
    }
    expect(page.url()).toMatch(/\/flows\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('filter')).toMatch(/--verdict DROPPED .*--from-pod \S+\/kapinger-bad/);
    await page.waitForSelector('[data-testid="flow-row"]', { timeout: 30_000 });
    const verdicts = await page.$$eval('[data-testid="flow-row"]', (els) =>
      els.map((e) => e.getAttribute('data-verdict')),
    );
    expect(verdicts.length).toBeGreaterThan(0);
    expect(new Set(verdicts)).toEqual(new Set(['DROPPED']));
    await page.close();
  });

  it('auto-refresh reloads the panels', async () => {
    const { page } = await newPage(s.ctx);
    await open(page, s.url, '/dashboards/clusters?range=5m&refresh=5', 60_000);
    const n0 = await page.evaluate(
      () =>
        performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/aggregate')).length,
    );
    await page.waitForTimeout(6500);
    const n1 = await page.evaluate(
      () =>
        performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/aggregate')).length,
    );
    expect(n1).toBeGreaterThan(n0);
    await page.close();
  });
});
