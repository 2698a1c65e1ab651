import { describe, expect, it } from 'vitest';
import type { AggregateGroup } from '../../server/http/contract';
import { isDnsError, missingPercent, rcodeName, replyKey } from './dns';
import { aggregateFlows, maskBefore, sampleSpan, traceTypeKey } from './flow-aggregate';
import {
  barsOf,
  bucketAxis,
  countActive,
  heatmapOf,
  onAxis,
  reducePoints,
  regroupGroups,
  seriesOf,
  sumPoints,
} from './series';
import { isSynAck, isSynOnly, missingSynAcks } from './tcp';

const T0 = Date.parse('2026-11-20T08:00:00Z');
const axis = bucketAxis(T0, T0 + 60_000, 15); // 4 buckets of 15 s
const g = (key: string[], counts: number[]): AggregateGroup => ({
  key,
  total: counts.reduce((a, b) => a + b, 0),
  points: counts.map((c, i) => [T0 + i * 15_000, c] as [number, number]).filter(([, c]) => c > 0),
});

describe('series', () => {
  it('aligns the axis to step multiples', () => {
    expect(bucketAxis(T0 + 7_000, T0 + 31_000, 15)).toEqual([T0, T0 + 15_000, T0 + 30_000]);
  });
  it('fills missing buckets with zero and converts counts to rates', () => {
    expect(onAxis([[T0 + 15_000, 30]], axis, 15)).toEqual([
      [T0, 0],
      [T0 + 15_000, 2],
      [T0 + 30_000, 0],
      [T0 + 45_000, 0],
    ]);
    expect(onAxis([[T0, 30]], axis, 15, { perMinute: true })[0][1]).toBe(120);
  });
  it('keeps raw measures (latency) and marks empty buckets as NaN', () => {
    const pts = onAxis([[T0 + 16_000, 12.5]], axis, 15, { raw: true });
    expect(pts[1][1]).toBe(12.5);
    expect(Number.isNaN(pts[0][1])).toBe(true);
    expect(reducePoints(pts, 'max')).toBe(12.5);
  });
  it('reduces like Grafana stats, ignoring unfinished buckets', () => {
    const pts: [number, number][] = [
      [T0, 4],
      [T0 + 15_000, 1],
      [T0 + 30_000, 9],
      [T0 + 45_000, 0.1],
    ];
    const complete = { now: T0 + 50_000, step: 15 };
    expect(reducePoints(pts, 'min', complete)).toBe(1);
    expect(reducePoints(pts, 'max', complete)).toBe(9);
    expect(reducePoints(pts, 'min')).toBe(0.1);
    expect(reducePoints(pts, 'last')).toBe(0.1);
    expect(reducePoints(pts, 'mean')).toBeCloseTo(3.525);
    expect(reducePoints([], 'max')).toBeUndefined();
  });
  it('sums series point-wise', () => {
    const a = onAxis([[T0, 15]], axis, 15);
    const b = onAxis([[T0, 30]], axis, 15);
    expect(sumPoints([a, b], axis)[0]).toEqual([T0, 3]);
  });
  it('regroups, merges and orders series by total', () => {
    const groups = [
      g(['3', 'A'], [1, 0, 0, 0]),
      g(['3', 'AAAA'], [0, 15, 0, 0]),
      g(['0', 'A'], [100, 0, 0, 0]),
    ];
    const s = seriesOf(groups, axis, 15, { regroup: (k) => (k[0] === '0' ? null : [k[0]]) });
    expect(s).toHaveLength(1);
    expect(s[0].key).toEqual(['3']);
    expect(s[0].points.map(([, v]) => v)).toEqual([1 / 15, 1, 0, 0]);
    const limited = seriesOf(groups, axis, 15, { limit: 1 });
    expect(limited.map((x) => x.key)).toEqual([['0', 'A']]);
  });
  it('counts active pods over 10 minutes at ≥ 0.01/s', () => {
    expect(countActive([g(['a'], [6]), g(['b'], [5]), g([''], [100])], 600)).toBe(1);
  });
  it('builds heatmaps with the busiest row first', () => {
    const h = heatmapOf([g(['quiet'], [15, 0, 0, 0]), g(['busy'], [0, 0, 150, 0])], axis, 15);
    expect(h.rows).toEqual(['busy', 'quiet']);
    expect(h.cells).toEqual([
      [2, 0, 10],
      [0, 1, 1],
    ]);
    expect(h.max).toBe(10);
  });
  it('builds bars as rates over the range', () => {
    expect(barsOf([g(['shop'], [60, 60, 0, 0]), g(['pets'], [600, 0, 0, 0])], 60)).toEqual([
      { name: 'pets', key: ['pets'], value: 10 },
      { name: 'shop', key: ['shop'], value: 2 },
    ]);
  });
  it('regroups finer groups for heatmaps', () => {
    const r = regroupGroups(
      [g(['p1', '404'], [1, 0, 0, 0]), g(['p1', '403'], [2, 0, 0, 0]), g(['p2', '200'], [9, 0, 0, 0])],
      (k) => (k[1].startsWith('4') ? [k[0]] : null),
    );
    expect(r).toEqual([{ key: ['p1'], total: 3, points: [[T0, 3]] }]);
  });
});

describe('dns helpers', () => {
  it('names rcodes as the ACNS legends do', () => {
    expect(rcodeName('3')).toBe('Non-Existent Domain');
    expect(rcodeName('SERVFAIL')).toBe('Server Failure');
    expect(rcodeName('5')).toBe('Query Refused');
    expect(rcodeName('')).toBe('No Error');
  });
  it('tells errors from success', () => {
    expect(isDnsError('0')).toBe(false);
    expect(isDnsError('')).toBe(false);
    expect(isDnsError('NOERROR')).toBe(false);
    expect(isDnsError('2')).toBe(true);
  });
  it('reads is_reply keys and clamps the missing share at 0', () => {
    expect([replyKey('true'), replyKey('false'), replyKey('')]).toEqual([true, false, undefined]);
    expect(missingPercent(10, 12)).toBe(0);
    expect(missingPercent(0, 0)).toBe(0);
    expect(missingPercent(8, 6)).toBe(25);
  });
});

describe('tcp helpers', () => {
  it('classifies flag keys in any separator style', () => {
    expect(isSynOnly('SYN')).toBe(true);
    expect(isSynAck('SYN-ACK')).toBe(true);
    expect(isSynAck('syn,ack')).toBe(true);
    expect(isSynOnly('SYN|ACK')).toBe(false);
  });
  it('computes missing SYN-ACKs per pod, never negative', () => {
    const sent = [
      g(['ns', 'a', 'SYN'], [30, 30, 0, 0]),
      g(['ns', 'b', 'SYN'], [15, 0, 0, 0]),
      g(['ns', 'c', 'SYN,ACK'], [99, 0, 0, 0]),
    ];
    const recv = [
      g(['ns', 'a', 'SYN,ACK'], [15, 60, 0, 0]),
      g(['ns', 'b', 'SYN,ACK'], [15, 0, 0, 0]),
      g(['other', 'a', 'SYN,ACK'], [30, 0, 0, 0]),
    ];
    const m = missingSynAcks(sent, recv, axis, 15);
    expect([...m.keys()]).toEqual(['["ns","a"]']);
    expect(m.get('["ns","a"]')!.map(([, v]) => v)).toEqual([1, 0, 0, 0]);
  });
});

describe('flow sample aggregation', () => {
  const evs = [
    {
      flow: { time: '2026-11-20T08:00:01Z', event_type: { type: 4 }, trace_observation_point: 'TO_ENDPOINT' },
    },
    {
      flow: { time: '2026-11-20T08:00:02Z', event_type: { type: 4 }, trace_observation_point: 'TO_ENDPOINT' },
    },
    { flow: { time: '2026-11-20T08:00:20Z', event_type: { type: 129 }, l7: { dns: {} } } },
    { lost_events: {} },
  ];
  it('groups by key into epoch-aligned buckets', () => {
    expect(aggregateFlows(evs, 15, traceTypeKey)).toEqual([
      { key: ['Trace/to-endpoint'], total: 2, points: [[T0, 2]] },
      { key: ['L7/dns'], total: 1, points: [[T0 + 15_000, 1]] },
    ]);
  });
  it('blanks buckets before a truncated sample', () => {
    const pts = maskBefore(
      [
        [T0, 1],
        [T0 + 15_000, 2],
        [T0 + 30_000, 3],
      ],
      T0 + 20_000,
      15,
    );
    expect(Number.isNaN(pts[0][1])).toBe(true);
    expect(pts.slice(1)).toEqual([
      [T0 + 15_000, 2],
      [T0 + 30_000, 3],
    ]);
    expect(maskBefore([[T0, 1]], undefined, 15)).toEqual([[T0, 1]]);
  });
  it('reports the span of the sample', () => {
    expect(sampleSpan(evs)).toEqual([T0 + 1000, T0 + 20_000]);
    expect(sampleSpan([])).toBeUndefined();
  });
});
