/**
 * The web UI in a real browser (Debian chromium via playwright-core) against `flowlens serve`
 * fed an hour of simulated flows, hostile flows and the live simulator:
 * routes load without console errors, every dashboard panel renders data, the map paints
 * policy drops red, the flows filter works, XSS payloads stay inert, the token prompt and
 * reconnection work, and the speed figures are measured. Screenshots go to docs/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launch, newPage, type Launched, type PageProblems } from './browser.js';
import { feed, l7Extras, PAYLOADS, writeHour, xssFlows } from './fixtures.js';
import { expandAllRows, open, prepareContext, ROUTES, shot, xssEvidence } from './pages.js';
import { startServe, type Served } from './serve.js';
import { measureDashboards, measureFlowsThroughput, measureMap, type Figures } from './speed.js';

let dir: string;
let main: Served;
let chrome: Launched;
let ctx: BrowserContext;
let hourFlows = 0;
let fixtureStart = 0;
/** An absolute range from the start of the hour of data to now (the suite runs for minutes). */
const dataRange = () => `from=${new Date(fixtureStart).toISOString()}&to=${new Date().toISOString()}`;
let live: { stop: () => void } | undefined;
const figures: Figures = {};
const VIEWPORT = { width: 1500, height: 1000 };

/** Problems except an expected 501/404 of the diagnosis route on a server without the engine. */
function unexpected(p: PageProblems, diagnosisMissing: boolean): string[] {
  const ok = (s: string) => diagnosisMissing && /status of (501|404)/.test(s);
  return [...p.console.filter((s) => !ok(s)), ...p.page, ...p.requests];
}

async function diagnosisMissing(url: string): Promise<boolean> {
  const r = await fetch(`${url}/api/v1/diagnosis`);
  return r.status === 501 || r.status === 404;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowlens-browser-'));
  const end = Date.now();
  fixtureStart = end - 3_600_000;
  hourFlows = await writeHour(join(dir, 'hour.jsonl'), end, 60, 60);
  writeFileSync(
    join(dir, 'xss.jsonl'),
    xssFlows(end)
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  // One time-ordered stream on stdin: the hour with the hostile flows merged in, then every
  // scenario live from the simulator at about the hour's rate.
  main = await startServe({ sources: ['stdin'], stdin: true });
  live = await feed(main.proc.stdin!, join(dir, 'hour.jsonl'), [...xssFlows(end), ...l7Extras(end)], 60);
  for (let i = 0; i < 600; i++) {
    const s = (await (await fetch(`${main.url}/api/v1/status`)).json()) as { seenFlows: number };
    if (s.seenFlows >= hourFlows) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  chrome = await launch();
  ctx = await chrome.browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  await prepareContext(ctx);
});

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await chrome?.close();
  live?.stop();
  main?.proc.stdin?.end();
  await main?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const rows = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(48)} ${v}`);
  console.log(`\nflowlens web UI speed figures (hour of data: ${hourFlows} flows)\n${rows.join('\n')}\n`);
});

describe('every route', () => {
  it('loads with no console errors, page errors or failed requests, and is screenshotted', async () => {
    const missing = await diagnosisMissing(main.url);
    for (const route of ROUTES) {
      const { page, problems } = await newPage(ctx);
      const path = route.startsWith('/dashboards/') ? `${route}?range=1h` : route;
      await open(page, main.url, path, 90_000);
      await page.waitForTimeout(500);
      expect(unexpected(problems, missing && route === '/diagnosis'), route).toEqual([]);
      await shot(page, route.slice(1).replace(/\//g, '-'));
      await page.close();
    }
  });
});

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
  for (const [id, visits] of Object.entries(VISITS)) {
    it(`${id}: every panel renders data`, async () => {
      const { page, problems } = await newPage(ctx);
      const best = new Map<string, string>();
      let titles: string[] = [];
      for (const v of visits) {
        await open(page, main.url, `/dashboards/${id}?${dataRange()}${v}`, 90_000);
        await expandAllRows(page);
        const states = await page.$$eval('[data-testid="panel"]', (els) =>
          els.map((e) => [
            e.getAttribute('data-panel-id')!,
            e.getAttribute('data-state')!,
            e.getAttribute('data-panel-title')!,
          ]),
        );
        titles = states.map((s) => s[2]);
        for (const [pid, st] of states) if (best.get(pid) !== 'data') best.set(pid, st);
      }
      const errors = [...best].filter(([, s]) => s === 'error' || s === 'loading');
      expect(errors, 'panels in error or still loading').toEqual([]);
      const unavailable = [...best].filter(([, s]) => s === 'unavailable').map(([p]) => p);
      expect(unavailable).toEqual(
        UNAVAILABLE.filter((u) => u.startsWith(`${id}-`) || (id === 'clusters' && u.startsWith('clusters-'))),
      );
      const empty = [...best].filter(([, s]) => s === 'nodata').map(([p]) => p);
      expect(empty, `panels without data in every visit (${visits.length} visits)`).toEqual([]);
      expect(titles.length).toBeGreaterThan(5);
      expect(unexpected(problems, false)).toEqual([]);
      await page.close();
    });
  }

  it('clicking a heatmap cell opens the flows behind it', async () => {
    const { page } = await newPage(ctx);
    await open(page, main.url, '/dashboards/drops-workload?range=1h', 90_000);
    const heat = page.locator('[data-panel-id="dw-heat-out"] [data-echarts]');
    const box = (await heat.boundingBox())!;
    // The middle of the plot area: a top source pod's row at a bucket with drops.
    await page.mouse.click(box.x + box.width * 0.6, box.y + 20);
    await page.waitForURL(/\/flows\?/, { timeout: 10_000 });
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
    const { page } = await newPage(ctx);
    await open(page, main.url, '/dashboards/clusters?range=5m&refresh=5', 60_000);
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

describe('service map', () => {
  it('paints the policy drops red, filters, lists an edge flows and expands pods', async () => {
    const { page, problems } = await newPage(ctx);
    await open(page, main.url, '/service-map?range=1h', 90_000);
    const red = await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      return cy
        .edges()
        .toArray()
        .filter((e) => e.data('cls') === 'dropped')
        .map((e) => {
          const edge = e as import('cytoscape').EdgeSingular;
          return {
            source: edge.source().id(),
            target: edge.target().id(),
            color: edge.style('line-color') as string,
          };
        });
    });
    expect(red.some((e) => e.source.includes('frontend') && e.target.includes('backend'))).toBe(true);
    expect(red.some((e) => e.source.includes('kapinger-bad'))).toBe(true);
    for (const e of red) expect(e.color).toBe('rgb(229,72,77)');
    await shot(page, 'service-map-cluster');

    await page.check('[data-testid="only-problems"]');
    await page.waitForSelector('[data-testid="service-map"][data-layout-done]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('only') === 'problems');
    await page.waitForTimeout(500);
    const classes = await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      return [...new Set(cy.edges().map((e) => e.data('cls') as string))];
    });
    expect(classes.length).toBeGreaterThan(0);
    for (const c of classes) expect(['dropped', 'error']).toContain(c);
    await shot(page, 'service-map-only-problems');

    // Click (tap) the frontend → backend edge: its flows are listed.
    await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      cy.edges()
        .filter((e) => e.source().id().includes('frontend') && e.target().id().includes('backend'))[0]
        .emit('tap');
    });
    await page.waitForSelector('[data-testid="edge-flow-rows"] li', { timeout: 30_000 });
    const rows = await page.$$eval('[data-testid="edge-flow-rows"] li b', (els) =>
      els.map((e) => e.textContent),
    );
    expect(rows).toContain('DROPPED');

    // Double-click a workload: it expands to its pods.
    await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      cy.nodes()
        .filter((n) => n.id() === 'microservices/backend')[0]
        .emit('dbltap');
    });
    await page.waitForFunction(
      () => new URL(location.href).searchParams.get('expand') === 'microservices/backend',
    );
    await page.waitForFunction(
      () => {
        const cy = (window as unknown as { __flowlensMap?: import('cytoscape').Core }).__flowlensMap;
        return (
          !!cy &&
          cy
            .nodes()
            .toArray()
            .some((n) => n.id().startsWith('microservices/backend-'))
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    await shot(page, 'service-map-expanded');
    expect(unexpected(problems, false)).toEqual([]);
    await page.close();
  });

  it('"DNS only" keeps only DNS edges, hiding kube-system removes CoreDNS', async () => {
    const { page } = await newPage(ctx);
    await open(page, main.url, '/service-map?range=1h&dns=1', 90_000);
    const ports = await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      return cy.edges().map((e) => String(e.data('label')));
    });
    expect(ports.length).toBeGreaterThan(0);
    for (const l of ports) expect(l).toMatch(/\/53 |DNS/i);
    await open(page, main.url, '/service-map?range=1h&hide=kube-system', 90_000);
    const ids = await page.evaluate(() =>
      (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap
        .nodes()
        .map((n) => n.id()),
    );
    expect(ids.some((i) => i.startsWith('kube-system/'))).toBe(false);
    await page.close();
  });
});

describe('flows explorer', () => {
  it('filters with observe flags, shows the raw filter, details, pauses and exports JSON lines', async () => {
    const { page, problems } = await newPage(ctx);
    await open(page, main.url, '/flows?mode=range&range=1h', 60_000);
    await page.fill('[data-testid="filter-input"]', '--verdict DROPPED --to-namespace microservices');
    await expect
      .poll(() => page.textContent('[data-testid="raw-filter"]'))
      .toContain('"destination_pod":["microservices/"]');
    await page.click('[data-testid="filter-apply"]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('filter')?.includes('DROPPED'));
    await page.waitForSelector('[data-testid="flow-row"]');
    const rows = await page.$$eval('[data-testid="flow-row"]', (els) =>
      els.map((e) => ({ verdict: e.getAttribute('data-verdict'), dst: e.children[4]?.textContent ?? '' })),
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) {
      expect(r.verdict).toBe('DROPPED');
      expect(r.dst.startsWith('microservices/')).toBe(true);
    }
    expect(await page.textContent('[data-testid="query-command"]')).toContain(
      '--verdict DROPPED --to-namespace microservices',
    );
    await shot(page, 'flows-filtered');

    // Detail drawer: every field and the equivalent command.
    await page.click('[data-testid="flow-row"] >> nth=0');
    await page.waitForSelector('[data-testid="flow-drawer"]');
    expect(await page.textContent('[data-testid="observe-command"]')).toMatch(
      /^flowlens observe --since \S+ --until \S+ --from-\w+ \S+ --to-pod microservices\/\S+ .*--verdict DROPPED$/,
    );
    const fields = await page.$$eval('[data-testid="flow-fields"] th', (els) =>
      els.map((e) => e.textContent),
    );
    expect(fields).toContain('flow.verdict');
    expect(fields).toContain('flow.destination.namespace');
    await shot(page, 'flows-drawer');
    await page.click('button[aria-label="Close details"]');

    // Export the selection as JSON lines.
    const boxes = page.locator('[data-testid="flow-row"] input[type="checkbox"]');
    for (let i = 0; i < 3; i++) await boxes.nth(i).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="export"]'),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { flow: { verdict: string } });
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.flow.verdict).toBe('DROPPED');

    // A bad flag is reported before anything is sent.
    await page.fill('[data-testid="filter-input"]', '--verdict MAYBE');
    await expect.poll(() => page.textContent('[data-testid="filter-error"]')).toContain('invalid verdict');
    expect(unexpected(problems, false)).toEqual([]);
    await page.close();
  });

  it('live mode streams and pause freezes the table', async () => {
    const { page } = await newPage(ctx);
    await open(page, main.url, '/flows', 60_000);
    const count = async () =>
      Number(/(\d+) received/.exec((await page.textContent('[data-testid="flow-count"]')) ?? '')?.[1] ?? 0);
    const first = async () => page.getAttribute('[data-testid="flow-row"] >> nth=0', 'class');
    await page.click('[data-testid="pause"]');
    const shown = await page.textContent('[data-testid="flow-count"]');
    const top = await page.textContent('[data-testid="flow-row"] >> nth=0');
    const r0 = await count();
    await page.waitForTimeout(3000);
    expect(await count()).toBeGreaterThan(r0);
    expect(await page.textContent('[data-testid="flow-row"] >> nth=0')).toBe(top);
    expect(shown).toMatch(/shown/);
    await page.click('[data-testid="pause"]');
    await expect
      .poll(async () => page.textContent('[data-testid="flow-row"] >> nth=0'), { timeout: 10_000 })
      .not.toBe(top);
    expect(await first()).toBeTruthy();
    await page.close();
  });
});

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
      const { page } = await newPage(ctx);
      await open(page, main.url, path, 90_000);
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
      sources: [`file:${join(dir, 'xss.jsonl')}`],
      extra: ['--auth-token', 's3cret-token-for-the-browser-suite'],
    });
    const c2 = await chrome.browser.newContext({ viewport: VIEWPORT });
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

describe('honesty', () => {
  it('shows coverage and the held time span, and reconnects by itself after a restart', async () => {
    const first = await startServe({ sources: ['simulator:healthy'], extra: ['--sim-rate', '50'] });
    const port = first.port;
    let second: Served | undefined;
    const { page } = await newPage(ctx);
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

describe('speed', () => {
  it('first dashboard render after navigation, with an hour of data', async () => {
    await measureDashboards(ctx, main.url, figures);
    expect(figures['dashboard first render, Clusters (1h)']).toBeDefined();
  });

  it('service map: 500 workloads and 3,000 edges laid out, then panned', async () => {
    const m = await measureMap(ctx, main.url, figures);
    expect(m.nodes).toBe(500);
    expect(m.edges).toBe(3000);
  });

  it('flows table keeps up with 2,000 flows/s live', async () => {
    const r = await measureFlowsThroughput(chrome, figures);
    expect(r.received).toBeGreaterThanOrEqual(r.sent * 0.99);
    expect(r.shown).toBe(Math.min(r.received, 50_000));
  });
});
