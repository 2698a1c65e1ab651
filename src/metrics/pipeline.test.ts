import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinPlugins } from './builtins.js';
import { metricsRequestHandler } from './http.js';
import { createMetricsPipeline } from './pipeline.js';
import { FIXTURES, ev, fixedClock, loadEvents, total } from './testing/fixtures.js';
import type { MetricPlugin } from './types.js';

describe('metrics pipeline', () => {
  it('counts seen flows, Hubble lost events and lag per source', () => {
    const clock = fixedClock(Date.parse('2026-11-20T08:01:00Z'));
    const p = createMetricsPipeline({ metrics: 'drop', now: clock.now });
    p.observe(loadEvents(FIXTURES.golden), 'file-a');
    p.observe(
      [
        { lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '12' } },
        ev({ time: '2026-11-20T08:00:30Z' }),
      ],
      'relay',
    );
    p.sources.skipped('file-a', 3, 'invalid');
    p.sources.lost('relay', 5);
    const text = p.render();
    expect(total(text, 'flowlens_flows_seen_total', { source: 'file-a' })).toBe(300);
    expect(total(text, 'flowlens_flows_seen_total', { source: 'relay' })).toBe(1);
    expect(total(text, 'hubble_lost_events_total', { source: 'hubble_ring_buffer' })).toBe(12);
    expect(total(text, 'flowlens_flows_lost_total', { source: 'relay' })).toBe(17);
    expect(total(text, 'flowlens_flows_skipped_total', { source: 'file-a', reason: 'invalid' })).toBe(3);
    expect(total(text, 'flowlens_pipeline_lag_seconds', { source: 'relay' })).toBe(30);
    // The golden input ends at 08:00:??.?; the lag is measured against the newest flow of the batch.
    expect(total(text, 'flowlens_pipeline_lag_seconds', { source: 'file-a' })).toBeGreaterThan(0);
  });

  it('applies include and exclude filters of the dynamic configuration', () => {
    const config = `
metrics:
- name: flow
  contextOptions: [{ name: sourceContext, values: [namespace] }]
  includeFilters: [{ source_pod: ["shop/"] }]
  excludeFilters: [{ verdict: [DROPPED] }]
`;
    const p = createMetricsPipeline({ config, now: fixedClock().now });
    p.observe(loadEvents(FIXTURES.golden));
    const text = p.render();
    // Golden flows from shop pods: 52, of which 5 are dropped.
    expect(total(text, 'hubble_flows_processed_total')).toBe(47);
    expect(total(text, 'hubble_flows_processed_total', { source: 'shop' })).toBe(47);
  });

  it('rejects static and dynamic configuration together, and invalid filters', () => {
    expect(() => createMetricsPipeline({ metrics: 'flow', config: 'metrics: []' })).toThrow(
      /cannot be used together/,
    );
    expect(() =>
      createMetricsPipeline({
        config: 'metrics:\n- name: flow\n  includeFilters: [{ source_ip: ["not-an-ip"] }]',
      }),
    ).toThrow();
  });

  it('counts handler errors without stopping the other handlers', () => {
    const broken: MetricPlugin = {
      name: 'broken',
      help: 'throws',
      options: {},
      contextOptions: false,
      create: () => ({
        observe() {
          throw new Error('boom');
        },
      }),
    };
    const p = createMetricsPipeline({
      metrics: ['broken', 'drop'],
      plugins: [...builtinPlugins, broken],
      now: fixedClock().now,
    });
    p.observe(loadEvents(FIXTURES.golden));
    const text = p.render();
    expect(total(text, 'flowlens_metrics_handler_errors_total', { handler: 'broken' })).toBe(300);
    expect(total(text, 'hubble_drop_total')).toBe(22);
  });

  it('uses the default handler set when none is given', () => {
    const p = createMetricsPipeline({ now: fixedClock().now });
    expect(p.handlers).toEqual(
      expect.arrayContaining([
        'flow:sourceEgressContext=pod;destinationIngressContext=pod',
        'networkobservability',
      ]),
    );
    p.observe(loadEvents(FIXTURES.golden));
    expect(p.seriesCount()).toBeGreaterThan(100);
  });
});

describe('the /metrics request handler', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
  });

  async function serve(): Promise<string> {
    const p = createMetricsPipeline({ metrics: 'drop' });
    p.observe(loadEvents(FIXTURES.golden));
    server = createServer(metricsRequestHandler(p));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('serves both formats on loopback and counts scrapes', async () => {
    const url = await serve();
    const prom = await fetch(`${url}/metrics`);
    expect(prom.status).toBe(200);
    expect(prom.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await prom.text()).toContain('hubble_drop_total{protocol="TCP",reason="POLICY_DENIED"} 22\n');
    const om = await fetch(`${url}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const body = await om.text();
    expect(body).toContain('hubble_drop_total{protocol="TCP",reason="POLICY_DENIED"} 22.0\n');
    expect(body).toContain('hubble_metrics_http_handler_requests_total{code="200"} 1.0\n');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    const url = await serve();
    expect((await fetch(`${url}/other`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
