import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../flow/index.js';
import { createMetricsPipeline } from '../pipeline.js';
import { ev, fixedClock, parseExposition, total } from '../testing/fixtures.js';

const N = 1_000_000;

/** A DNS request from a pod that was never seen, for a name never asked. */
function hostileBatch(from: number, n: number): FlowEvent[] {
  const out: FlowEvent[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(
      ev({
        event_type: { type: 129 },
        verdict: 'FORWARDED',
        traffic_direction: 'EGRESS',
        source: {
          namespace: `ns-${i % 10}`,
          pod_name: `pod-${i}-x`,
          workloads: [{ name: `wl-${i % 40}`, kind: 'Deployment' }],
        },
        destination: { namespace: 'kube-system', pod_name: 'coredns-0' },
        l7: { type: 'REQUEST', dns: { query: `n${i}.attacker${i}.example.`, qtypes: ['A'] } },
      }),
    );
  }
  return out;
}

describe('cardinality budgets', () => {
  it('keeps 1,000,000 unique DNS names and pod names within budget, degrading pod → workload → namespace → overflow', () => {
    const budget = 1000;
    const p = createMetricsPipeline({
      metrics: [
        `dns:query;sourceContext=pod;destinationContext=pod;budget=${budget}`,
        `flow:sourceContext=pod;budget=${budget}`,
      ],
      now: fixedClock().now,
    });
    for (let i = 0; i < N; i += 10_000) p.observe(hostileBatch(i, 10_000), 'hostile');
    const fams = new Map(p.families().map((f) => [f.name, f]));
    const queries = fams.get('hubble_dns_queries_total')!;
    const flows = fams.get('hubble_flows_processed_total')!;
    expect(queries.size).toBeLessThanOrEqual(budget);
    expect(flows.size).toBeLessThanOrEqual(budget);
    expect(p.seriesCount()).toBeLessThanOrEqual(budget * 4);

    const text = p.render();
    // Nothing is lost silently: counted increments plus dropped ones add up to every flow.
    const overflow = (metric: string, granularity: string) =>
      total(text, 'flowlens_metrics_overflow_total', { metric, granularity });
    expect(total(text, 'hubble_dns_queries_total') + overflow('hubble_dns_queries_total', 'dropped')).toBe(N);
    expect(
      total(text, 'hubble_flows_processed_total') + overflow('hubble_flows_processed_total', 'dropped'),
    ).toBe(N);
    // The first 70 % of the budget are exact pods; every later pod folds into its workload (40 of them).
    const sources = parseExposition(text)
      .filter((s) => s.name === 'hubble_flows_processed_total')
      .map((s) => s.labels.source!);
    expect(sources.filter((s) => /^ns-\d\/pod-\d+-x$/.test(s))).toHaveLength(700);
    expect(sources.filter((s) => /^ns-\d\/wl-\d+$/.test(s))).toHaveLength(40);
    expect(sources).toHaveLength(740);
    expect(overflow('hubble_flows_processed_total', 'workload')).toBe(N - 700);
    // DNS names are high-cardinality on their own: they end folded to `_overflow_` and the remainder is dropped.
    const queryLabels = parseExposition(text)
      .filter((s) => s.name === 'hubble_dns_queries_total')
      .map((s) => s.labels.query!);
    expect(queryLabels.filter((q) => q.startsWith('*.')).length).toBeGreaterThan(0);
    expect(queryLabels.filter((q) => q === '_overflow_').length).toBeGreaterThan(0);
    expect(overflow('hubble_dns_queries_total', 'workload')).toBeGreaterThan(0);
    expect(overflow('hubble_dns_queries_total', 'namespace')).toBeGreaterThan(0);
    expect(total(text, 'flowlens_metrics_series_budget', { metric: 'hubble_dns_queries_total' })).toBe(
      budget,
    );
    expect(total(text, 'flowlens_metrics_series', { metric: 'hubble_dns_queries_total' })).toBe(queries.size);
  }, 120_000);

  it('with unique workloads too, degrades to namespaces and then to one folded series', () => {
    const p = createMetricsPipeline({ metrics: 'flow:sourceContext=pod;budget=100', now: fixedClock().now });
    const batch: FlowEvent[] = [];
    for (let i = 0; i < 20_000; i++)
      batch.push(
        ev({ source: { namespace: `ns-${i % 500}`, pod_name: `p-${i}`, workloads: [{ name: `w-${i}` }] } }),
      );
    p.observe(batch);
    const text = p.render();
    const sources = parseExposition(text)
      .filter((s) => s.name === 'hubble_flows_processed_total')
      .map((s) => s.labels.source!);
    // Ceilings at 70/85/95/100 % of the budget: 70 pods, 15 workloads, 10 namespaces, then the one folded series.
    expect(sources.length).toBe(96);
    expect(sources.filter((s) => /^ns-\d+\/p-\d+$/.test(s))).toHaveLength(70);
    expect(sources.filter((s) => /^ns-\d+\/w-\d+$/.test(s))).toHaveLength(15);
    expect(sources.filter((s) => /^ns-\d+\/_overflow_$/.test(s))).toHaveLength(10);
    expect(sources.filter((s) => s === '_overflow_')).toHaveLength(1);
    expect(total(text, 'hubble_flows_processed_total')).toBe(20_000);
  });

  it('existing pod series keep counting at pod granularity after the budget is reached', () => {
    const p = createMetricsPipeline({ metrics: 'flow:sourceContext=pod;budget=10', now: fixedClock().now });
    const first = hostileBatch(0, 7);
    p.observe(first);
    p.observe(hostileBatch(100, 50));
    p.observe(first);
    const text = p.render();
    expect(total(text, 'hubble_flows_processed_total', { source: 'ns-0/pod-0-x' })).toBe(2);
  });

  it('drops increments of families without foldable labels past their budget, and counts them', () => {
    const icmp = (type: number) => ev({ l4: { ICMPv4: { type } } });
    const p = createMetricsPipeline({ metrics: 'icmp:budget=2', now: fixedClock().now });
    p.observe([icmp(8), icmp(0), icmp(3), icmp(3), icmp(8)]);
    const text = p.render();
    expect(total(text, 'hubble_icmp_total')).toBe(3);
    expect(
      total(text, 'flowlens_metrics_overflow_total', { metric: 'hubble_icmp_total', granularity: 'dropped' }),
    ).toBe(2);
  });
});

describe('series expiry', () => {
  it('removes series not updated for the TTL and counts them', () => {
    const clock = fixedClock();
    const p = createMetricsPipeline({ metrics: 'flow:sourceContext=pod;ttl=1m', now: clock.now });
    const from = (pod: string) => ev({ source: { namespace: 'ns', pod_name: pod } });
    p.observe([from('gone')]);
    clock.advance(40_000);
    p.observe([from('alive')]);
    clock.advance(40_000);
    expect(p.sweep()).toBe(1);
    const text = p.render();
    expect(total(text, 'hubble_flows_processed_total', { source: 'ns/gone' })).toBe(0);
    expect(total(text, 'hubble_flows_processed_total', { source: 'ns/alive' })).toBe(1);
    expect(
      total(text, 'flowlens_metrics_series_expired_total', { metric: 'hubble_flows_processed_total' }),
    ).toBe(1);
    // A series that comes back starts again from its new increments.
    p.observe([from('gone')]);
    expect(total(p.render(), 'hubble_flows_processed_total', { source: 'ns/gone' })).toBe(1);
  });

  it('render() expires idle series on its own', () => {
    const clock = fixedClock();
    const p = createMetricsPipeline({
      metrics: 'flow:sourceContext=pod',
      defaults: { ttlMs: 60_000 },
      now: clock.now,
    });
    p.observe([ev({ source: { namespace: 'ns', pod_name: 'a' } })]);
    clock.advance(61_000);
    expect(total(p.render(), 'hubble_flows_processed_total')).toBe(0);
  });

  it('ttl=0 keeps series forever', () => {
    const clock = fixedClock();
    const p = createMetricsPipeline({ metrics: 'flow:sourceContext=pod;ttl=0', now: clock.now });
    p.observe([ev({ source: { namespace: 'ns', pod_name: 'a' } })]);
    clock.advance(365 * 86_400_000);
    expect(p.sweep()).toBe(0);
  });

  it('forgets the series of a deleted pod (pod identifiers and labelsContext pairs)', () => {
    const p = createMetricsPipeline({
      metrics: [
        'flow:sourceContext=pod;destinationContext=namespace',
        'drop:labelsContext=destination_namespace,destination_pod',
      ],
      now: fixedClock().now,
    });
    const f = (pod: string) =>
      ev({
        verdict: 'DROPPED',
        source: { namespace: 'shop', pod_name: pod },
        destination: { namespace: 'shop', pod_name: pod },
      });
    p.observe([f('web-1'), f('web-2')]);
    expect(p.forgetPod('shop', 'web-1')).toBe(2);
    const text = p.render();
    expect(total(text, 'hubble_flows_processed_total', { source: 'shop/web-1' })).toBe(0);
    expect(total(text, 'hubble_drop_total', { destination_pod: 'web-1' })).toBe(0);
    expect(total(text, 'hubble_drop_total', { destination_pod: 'web-2' })).toBe(1);
  });
});
