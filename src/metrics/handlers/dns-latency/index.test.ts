import { describe, expect, it } from 'vitest';
import { builtinPlugins } from '../../builtins.js';
import { parseStaticMetrics } from '../../config/parse.js';
import { KeySpace } from '../../context/keys.js';
import { renderFamilies } from '../../exposition/render.js';
import { FlowFacts } from '../../facts.js';
import { createMetricsPipeline } from '../../pipeline.js';
import { MetricRegistry } from '../../registry.js';
import {
  FIXTURES,
  ev,
  fixedClock,
  loadEvents,
  parseExposition,
  runPipeline,
  seriesOf,
  total,
} from '../../testing/fixtures.js';

describe('dns-latency handler', () => {
  it('pairs the 74 requests and responses of the otel UDP sample (no latency_ns there)', () => {
    // Counted independently: 74 pairs, latencies summing to 0.199083 s, 1 within 1 ms, 65 within 5 ms.
    const text = runPipeline('dns-latency', [FIXTURES.udp400]).render();
    expect(total(text, 'flowlens_dns_latency_seconds_count')).toBe(74);
    expect(total(text, 'flowlens_dns_latency_seconds_sum')).toBeCloseTo(0.199083, 9);
    expect(total(text, 'flowlens_dns_latency_seconds_bucket', { le: '0.001' })).toBe(1);
    expect(total(text, 'flowlens_dns_latency_seconds_bucket', { le: '0.005' })).toBe(65);
    expect(total(text, 'flowlens_dns_unanswered_total')).toBe(0);
  });

  it('pairs across KeySpace resets: pending requests keep their keys and order', () => {
    // A tiny key space resets every few flows, between a request and its response.
    const keys = new KeySpace(8);
    const clock = { now: 0 };
    const [built] = new MetricRegistry(builtinPlugins).build(
      parseStaticMetrics('dns-latency:maxPending=20'),
      clock,
      undefined,
      keys,
    );
    const facts = new FlowFacts();
    for (const e of loadEvents(FIXTURES.udp400)) {
      if (e.flow === undefined) continue;
      keys.maintain();
      built!.handler.observe(e.flow, facts.set(e.flow));
    }
    expect(keys.epoch).toBeGreaterThan(20);
    const text = renderFamilies(built!.families, 'prometheus');
    expect(total(text, 'flowlens_dns_latency_seconds_count')).toBe(74);
    expect(total(text, 'flowlens_dns_latency_seconds_sum')).toBeCloseTo(0.199083, 9);
    expect(total(text, 'flowlens_dns_unanswered_total')).toBe(0);
  });

  it('uses latency_ns when the response carries it (golden input)', () => {
    // 46 golden DNS responses carry latency_ns; none is dropped.
    const text = runPipeline('dns-latency:sourceContext=namespace', [FIXTURES.golden]).render();
    expect(total(text, 'flowlens_dns_latency_seconds_count')).toBe(46);
  });

  it('labels from the request side: source = client, with rcode and qtypes', () => {
    const text = runPipeline('dns-latency:query;sourceContext=pod;destinationContext=pod', [
      FIXTURES.dns5,
    ]).render();
    // Two NXDOMAIN answers, 1.580320 ms and 1.360371 ms after their requests.
    expect(
      seriesOf(text, 'flowlens_dns_latency_seconds_count').map((l) => l.replace(/query="[^"]*",/, '')),
    ).toEqual([
      '{destination="kube-system/kube-dns-b4f5c58c7-vnx5s",qtypes="A",rcode="Non-Existent Domain",source="kube-system/node-local-dns-88zrp"} 1',
      '{destination="kube-system/kube-dns-b4f5c58c7-vnx5s",qtypes="A",rcode="Non-Existent Domain",source="kube-system/node-local-dns-88zrp"} 1',
    ]);
    expect(total(text, 'flowlens_dns_latency_seconds_sum')).toBeCloseTo(0.002940691, 9);
    expect(total(text, 'flowlens_dns_latency_seconds_bucket', { le: '0.0025' })).toBe(2);
  });

  it('counts a request without answer after the timeout, in flow time', () => {
    const events = loadEvents(FIXTURES.dns5);
    const later = ev({
      time: '2021-10-04T11:22:33Z',
      event_type: { type: 129 },
      l7: { type: 'REQUEST', dns: { query: 'late.', qtypes: ['A'] } },
    });
    const clock = fixedClock();
    const p = createMetricsPipeline({ metrics: 'dns-latency:sourceContext=pod', now: clock.now });
    p.observe(events);
    expect(total(p.render(), 'flowlens_dns_unanswered_total')).toBe(0);
    p.observe([later]);
    const text = p.render();
    expect(seriesOf(text, 'flowlens_dns_unanswered_total')).toEqual([
      '{qtypes="A",source="kube-system/node-local-dns-88zrp"} 1',
    ]);
  });

  it('bounds the requests waiting for an answer (oldest evicted, counted unanswered)', () => {
    const reqs = Array.from({ length: 10 }, (_, i) =>
      ev({
        time: `2024-01-01T00:00:0${i}Z`,
        IP: { source: '10.0.0.1', destination: '10.0.0.53' },
        l4: { UDP: { source_port: 1000 + i, destination_port: 53 } },
        l7: { type: 'REQUEST', dns: { query: `q${i}.`, qtypes: ['A'] } },
      }),
    );
    const p = runPipeline('dns-latency:maxPending=4;timeout=1h', [reqs]);
    expect(total(p.render(), 'flowlens_dns_unanswered_total')).toBe(6);
  });

  it('skips dropped queries', () => {
    const p = runPipeline('dns-latency', [
      [ev({ verdict: 'DROPPED', l7: { type: 'REQUEST', dns: { query: 'x.' } } })],
    ]);
    expect(parseExposition(p.render()).filter((s) => s.name.startsWith('flowlens_dns_'))).toEqual([]);
  });
});
