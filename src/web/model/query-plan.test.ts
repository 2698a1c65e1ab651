import { describe, expect, it } from 'vitest';
import type { AggregateGroup } from '../../server/http/contract';
import type { AggregateQuery } from './dashboards/types';
import { MERGED_K, planAggregate } from './query-plan';

const q = (groupBy: AggregateQuery['groupBy'], filter?: string, k?: number): AggregateQuery => ({
  kind: 'aggregate',
  groupBy,
  filter,
  series: true,
  k,
});
const g = (key: string[], total: number): AggregateGroup => ({ key, total, points: [[0, total]] });

describe('planAggregate', () => {
  it('lifts verdict and direction pins into the grouping, so panels share one scan', () => {
    const a = planAggregate(q(['verdict'], '--verdict FORWARDED --traffic-direction egress'), false);
    const b = planAggregate(q(['verdict'], '--verdict DROPPED --traffic-direction ingress'), false);
    expect(a.base).toEqual({
      kind: 'aggregate',
      groupBy: ['traffic_direction', 'verdict'],
      series: true,
      filter: undefined,
      k: MERGED_K,
    });
    expect(planAggregate(q(['traffic_direction'], '--verdict DROPPED'), false).base).toEqual(a.base);
    expect(b.base).toEqual(a.base);
    const answer = [
      g(['EGRESS', 'FORWARDED'], 50),
      g(['INGRESS', 'FORWARDED'], 40),
      g(['INGRESS', 'DROPPED'], 3),
      g(['EGRESS', 'DROPPED'], 7),
    ];
    expect(a.select(answer)).toEqual([g(['FORWARDED'], 50)]);
    expect(b.select(answer)).toEqual([g(['DROPPED'], 3)]);
  });
  it('keeps flags it cannot lift and re-applies top-k', () => {
    const p = planAggregate(q(['drop_reason'], '--verdict DROPPED --tcp-flags SYN', 2), false);
    expect(p.base.filter).toBe('--tcp-flags SYN');
    expect(p.base.groupBy).toEqual(['drop_reason', 'verdict']);
    // ('drop_reason' < 'verdict': the canonical order happens to match here)
    const answer = [
      g(['A', 'DROPPED'], 5),
      g(['B', 'DROPPED'], 9),
      g(['C', 'DROPPED'], 1),
      g(['A', 'FORWARDED'], 99),
    ];
    expect(p.select(answer).map((x) => x.key)).toEqual([['B'], ['A']]);
  });
  it('maps protocol names to the L7 or L4 protocol dimension', () => {
    expect(planAggregate(q(['http_status'], '--protocol http'), false).base.groupBy).toEqual([
      'http_status',
      'l7_protocol',
    ]);
    const tcp = planAggregate(q(['verdict'], '--protocol tcp'), false);
    expect(tcp.base.groupBy).toEqual(['protocol', 'verdict']);
    expect(tcp.select([g(['TCP', 'FORWARDED'], 4), g(['UDP', 'FORWARDED'], 8)])).toEqual([
      g(['FORWARDED'], 4),
    ]);
  });
  it('does not merge high-cardinality groupings (DNS names, cluster-wide pods)', () => {
    const dns = q(['dns_query', 'dns_qtype'], '--protocol dns');
    expect(planAggregate(dns, true).base).toBe(dns);
    const pods = q(['source_namespace', 'source_pod'], '--verdict DROPPED');
    expect(planAggregate(pods, false).base).toBe(pods);
    const merged = planAggregate(pods, true);
    expect(merged.base.groupBy).toEqual(['source_namespace', 'source_pod', 'verdict']);
    expect(merged.select([g(['shop', 'a', 'DROPPED'], 2), g(['shop', 'b', 'FORWARDED'], 9)])).toEqual([
      g(['shop', 'a'], 2),
    ]);
  });
  it('leaves queries alone when nothing can be lifted or dimensions would exceed four', () => {
    const none = q(['verdict'], '--tcp-flags RST');
    expect(planAggregate(none, false).base).toBe(none);
    const wide = q(['node', 'drop_reason', 'dns_rcode', 'http_status'], '--verdict DROPPED');
    expect(planAggregate(wide, false).base).toBe(wide);
    const pinnedAlready = planAggregate(q(['verdict'], '--verdict DROPPED'), false);
    expect(pinnedAlready.base.groupBy).toEqual(['verdict']);
    expect(pinnedAlready.select([g(['DROPPED'], 1), g(['FORWARDED'], 2)])).toEqual([g(['DROPPED'], 1)]);
  });
});
