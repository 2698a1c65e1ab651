/**
 * The speed figures, printed at the end: first dashboard render with an hour of data, the map of
 * 500 workloads and 3,000 edges, and the live flows table at 2,000 flows/s. The figures are
 * reported, not asserted (the machine is shared); the checks are that the work was complete and
 * finished within generous sanity limits.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { measureDashboards, measureFlowsThroughput, measureMap, type Figures } from './measure.js';
import { browserSession } from './session.js';

const s = browserSession();

const figures: Figures = {};

afterAll(() => {
  const rows = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(52)} ${v}`);
  console.log(
    `\nflowlens web UI speed figures (hour of data: ${inject('hourFlows')} flows)\n${rows.join('\n')}\n`,
  );
});

describe('speed', () => {
  it('first dashboard render after navigation, with an hour of data', async () => {
    const ms = await measureDashboards(s.ctx, s.url, figures);
    expect(Object.keys(ms)).toHaveLength(8);
    for (const [id, v] of Object.entries(ms)) {
      expect(v, id).toBeGreaterThan(0);
      expect(v, id).toBeLessThan(60_000);
    }
  });

  it('service map: 500 workloads and 3,000 edges laid out, then panned', async () => {
    const m = await measureMap(s.ctx, s.url, figures);
    expect(m.nodes).toBe(500);
    expect(m.edges).toBe(3000);
    expect(m.layoutMs).toBeGreaterThan(0);
    expect(m.layoutMs).toBeLessThan(30_000);
    expect(m.panFrames).toBeGreaterThan(10);
  });

  it('flows table keeps up with 2,000 flows/s live', async () => {
    const r = await measureFlowsThroughput(s.chrome, figures);
    // Everything written reached the server, and the table accounts for every flow: shown, or
    // reported lost by the server (which the UI says on screen).
    expect(r.seen).toBe(r.sent);
    expect(r.received + r.lost).toBe(r.sent);
    expect(r.received).toBeGreaterThanOrEqual(r.sent * 0.99);
    expect(r.shown).toBe(Math.min(r.received, 50_000));
  });
});
