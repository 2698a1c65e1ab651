/**
 * The service map: policy drops painted red, the toggles, an edge's flows and pod expansion.
 */
import { describe, expect, it } from 'vitest';
import { newPage } from './browser.js';
import { open, shot } from './pages.js';
import { browserSession, unexpected } from './session.js';

const s = browserSession();

describe('service map', () => {
  it('paints the policy drops red, filters, lists an edge flows and expands pods', async () => {
    const { page, problems } = await newPage(s.ctx);
    await open(page, s.url, '/service-map?range=1h', 90_000);
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

    // The toggle lives in the URL: click, then wait for the URL (the box follows it).
    await page.click('[data-testid="only-problems"]');
    await page.waitForSelector('[data-testid="service-map"][data-layout-done]');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('only') === 'problems');
    expect(await page.isChecked('[data-testid="only-problems"]')).toBe(true);
    await page.waitForTimeout(500);
    const classes = await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      return [...new Set(cy.edges().map((e) => e.data('cls') as string))];
    });
    expect(classes.length).toBeGreaterThan(0);
    for (const c of classes) expect(['dropped', 'error']).toContain(c);
    await shot(page, 'service-map-only-problems');

    // Click (tap) the red frontend → backend edge: its dropped flows are listed first.
    await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      cy.edges()
        .filter(
          (e) =>
            e.data('cls') === 'dropped' &&
            e.source().id() === 'microservices/frontend' &&
            e.target().id() === 'microservices/backend',
        )[0]
        .emit('tap');
    });
    await page.waitForSelector('[data-testid="edge-flow-rows"] li', { timeout: 30_000 });
    await shot(page, 'service-map-edge-flows');
    expect(await page.getAttribute('[data-testid="edge-flows"]', 'data-cls')).toBe('dropped');
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
    const { page } = await newPage(s.ctx);
    await open(page, s.url, '/service-map?range=1h&dns=1', 90_000);
    const ports = await page.evaluate(() => {
      const cy = (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap;
      return cy.edges().map((e) => String(e.data('label')));
    });
    expect(ports.length).toBeGreaterThan(0);
    for (const l of ports) expect(l).toMatch(/\/53 |DNS/i);
    const dnsNodes = await page.evaluate(() =>
      (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap
        .nodes()
        .map((n) => n.id()),
    );
    expect(dnsNodes).toContain('kube-system/coredns');
    await open(page, s.url, '/service-map?range=1h&hide=kube-system', 90_000);
    const ids = await page.evaluate(() =>
      (window as unknown as { __flowlensMap: import('cytoscape').Core }).__flowlensMap
        .nodes()
        .map((n) => n.id()),
    );
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.some((i) => i.startsWith('kube-system/'))).toBe(false);
    await page.close();
  });
});
