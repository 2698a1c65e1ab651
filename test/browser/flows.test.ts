/**
 * The flows explorer: observe flags and the raw filter, the detail drawer, export as JSON lines,
 * live streaming and pause.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newPage } from './browser.js';
import { open, shot } from './pages.js';
import { browserSession, unexpected } from './session.js';

const s = browserSession();

describe('flows explorer', () => {
  it('filters with observe flags, shows the raw filter, details, pauses and exports JSON lines', async () => {
    const { page, problems } = await newPage(s.ctx);
    await open(page, s.url, '/flows?mode=range&range=1h', 60_000);
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
    await expect
      .poll(() => page.textContent('[data-testid="filter-error"]'))
      .toContain('invalid --verdict value: MAYBE');
    expect(unexpected(problems, false)).toEqual([]);
    await page.close();
  });

  it('live mode streams and pause freezes the table', async () => {
    const { page } = await newPage(s.ctx);
    await open(page, s.url, '/flows', 60_000);
    const count = async () =>
      Number(/(\d+) received/.exec((await page.textContent('[data-testid="flow-count"]')) ?? '')?.[1] ?? 0);
    const first = async () => page.getAttribute('[data-testid="flow-row"] >> nth=0', 'class');
    await page.click('[data-testid="pause"]');
    const shown = await page.textContent('[data-testid="flow-count"]');
    const top = await page.textContent('[data-testid="flow-row"] >> nth=0');
    const r0 = await count();
    // Live flows keep arriving while paused (the feed is paced, so allow a slow moment).
    await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(r0);
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
