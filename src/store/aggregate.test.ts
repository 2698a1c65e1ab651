import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowStore, type AggregateQuery } from './flow-store.js';
import { goldenEvents, tempDir } from './testing.js';
import { quantileCont } from './aggregate.js';
import type { AggregateGroup } from '../server/http/contract.js';

/**
 * Aggregates over test/golden-hubble/input.jsonl (300 flows, all within 58 ms of
 * 2026-11-20T08:00:00Z). The expected figures were counted from the JSON with a separate
 * script (jq-style counting over the raw lines), not with the store's code. Both engines must
 * give them: SQL in DuckDB and the in-memory ring scan.
 */
const BUCKET = Date.parse('2026-11-20T08:00:00Z');
const cases: { name: string; q: AggregateQuery; groups: AggregateGroup[]; other?: number }[] = [
  {
    name: 'counts by verdict',
    q: { groupBy: ['verdict'] },
    groups: [
      { key: ['FORWARDED'], total: 278 },
      { key: ['DROPPED'], total: 22 },
    ],
  },
  {
    name: 'top 3 source namespaces, the rest in other',
    q: { groupBy: ['source_namespace'], k: 3 },
    groups: [
      { key: ['identity'], total: 67 },
      { key: ['monitoring'], total: 57 },
      { key: ['kube-system'], total: 56 },
    ],
    other: 56 + 52 + 12,
  },
  {
    name: 'drops by source namespace (where verdict)',
    q: { groupBy: ['source_namespace'], where: { verdict: ['DROPPED'] } },
    groups: [
      { key: [''], total: 7 },
      { key: ['identity'], total: 5 },
      { key: ['shop'], total: 5 },
      { key: ['monitoring'], total: 3 },
      { key: ['payments'], total: 2 },
    ],
  },
  {
    name: 'DNS responses by rcode',
    q: { groupBy: ['dns_rcode'], where: { l7_protocol: ['dns'] }, k: 2 },
    groups: [
      { key: [''], total: 43 },
      { key: ['0'], total: 36 },
    ],
    other: 7 + 3,
  },
  {
    name: 'protocols',
    q: { groupBy: ['protocol'] },
    groups: [
      { key: ['TCP'], total: 197 },
      { key: ['UDP'], total: 101 },
      { key: ['ICMPv4'], total: 2 },
    ],
  },
  {
    name: 'per-minute series by node',
    q: { groupBy: ['node'], step: 60 },
    groups: [
      { key: ['kind-worker2'], total: 109, points: [[BUCKET, 109]] },
      { key: ['kind-control-plane'], total: 97, points: [[BUCKET, 97]] },
      { key: ['kind-worker'], total: 94, points: [[BUCKET, 94]] },
    ],
  },
  {
    name: 'two dimensions',
    q: { groupBy: ['verdict', 'destination_port'], where: { destination_port: ['53'] } },
    groups: [{ key: ['FORWARDED', '53'], total: 53 }],
  },
  { name: 'total without dimensions', q: { groupBy: [] }, groups: [{ key: [], total: 300 }] },
  {
    name: 'time window excludes everything',
    q: { groupBy: ['verdict'], since: '2026-11-21T00:00:00Z' },
    groups: [],
  },
];

function hand(): { httpMeanMs: number; dnsP95Ms: Record<string, number> } {
  const ev = goldenEvents();
  const http = ev
    .filter((e) => e.flow?.l7?.http && e.flow.l7.latency_ns)
    .map((e) => +e.flow!.l7!.latency_ns!);
  const dns: Record<string, number[]> = {};
  for (const e of ev) {
    const l7 = e.flow?.l7;
    if (l7?.dns && l7.latency_ns) (dns[String(l7.dns.rcode ?? 0)] ??= []).push(+l7.latency_ns);
  }
  const p95: Record<string, number> = {};
  for (const [k, v] of Object.entries(dns)) p95[k] = quantileCont(v, 0.95) / 1e6;
  return { httpMeanMs: http.reduce((a, b) => a + b, 0) / http.length / 1e6, dnsP95Ms: p95 };
}

for (const engine of ['duckdb', 'memory'] as const) {
  describe(`aggregate (${engine})`, () => {
    const tmp = tempDir();
    let store: FlowStore;
    beforeAll(async () => {
      store = await FlowStore.open(engine === 'duckdb' ? { history: { dir: tmp.dir, maxAgeMs: 0 } } : {});
      store.append(goldenEvents());
    });
    afterAll(async () => {
      await store.close();
      tmp.cleanup();
    });

    for (const c of cases) {
      it(c.name, async () => {
        const r = await store.aggregate(c.q);
        expect(r.groups).toEqual(c.groups);
        expect(r.other).toBe(c.other);
        expect(r.coverage.examined).toBe(c.groups.reduce((s, g) => s + g.total, 0) + (c.other ?? 0));
      });
    }

    it('mean HTTP latency', async () => {
      const r = await store.aggregate({
        groupBy: ['l7_protocol'],
        measure: 'latency_mean_ms',
        where: { l7_protocol: ['http'] },
      });
      expect(r.groups).toHaveLength(1);
      expect(r.groups[0].total).toBeCloseTo(hand().httpMeanMs, 6);
    });

    it('p95 DNS latency by rcode', async () => {
      const r = await store.aggregate({
        groupBy: ['dns_rcode'],
        measure: 'latency_p95_ms',
        where: { l7_protocol: ['dns'] },
      });
      const want = hand().dnsP95Ms;
      expect(Object.fromEntries(r.groups.map((g) => [g.key[0], g.total]))).toEqual(
        Object.fromEntries(Object.entries(want).map(([k, v]) => [k, expect.closeTo(v, 6)])),
      );
    });

    it('a compiled predicate gives the same answer as the dimension filter', async () => {
      const viaWhere = await store.aggregate({
        groupBy: ['source_namespace'],
        where: { verdict: ['DROPPED'] },
      });
      const viaPredicate = await store.aggregate({
        groupBy: ['source_namespace'],
        predicate: (e) => e.flow?.verdict === 'DROPPED',
      });
      expect(viaPredicate.groups).toEqual(viaWhere.groups);
    });

    const bad: { name: string; q: AggregateQuery; re: RegExp }[] = [
      { name: 'unknown dimension', q: { groupBy: ['colour' as never] }, re: /unknown dimension/ },
      { name: 'k out of range', q: { groupBy: ['verdict'], k: 0 }, re: /k must be/ },
      { name: 'fractional step', q: { groupBy: ['verdict'], step: 1.5 }, re: /step/ },
    ];
    for (const c of bad)
      it(`rejects ${c.name}`, async () => expect(store.aggregate(c.q)).rejects.toThrow(c.re));
  });
}
