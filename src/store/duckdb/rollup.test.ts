/**
 * The per-minute rollup answers exactly what the raw flow rows answer: every aggregate and
 * service-map shape the dashboards and the UI send (src/web/model/dashboards, the server's
 * pushdown), over whole minutes and windows with ragged edges, is run twice on the same store —
 * once as the store chooses (rollup where it can) and once with `path: 'raw'` — and the rows
 * must be equal. Shapes the rollup cannot answer must fall back to raw rows (counted in
 * stats().rollupAnswers), and retention and a store grown behind the rollup's back must keep it
 * equal too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { FlowStore } from '../flow-store.js';
import { goldenEvents, tempDir } from '../testing.js';
import { syntheticFlows } from '../synthetic.js';
import { toTimeKey, type TimeKey } from '../time-key.js';
import type { AggregateRow, AggregateSpec, GraphRow, GraphSpec } from '../history-store.js';

/** 20k varied flows at 20 flows/s: 1000 s, about 17 minutes, starting at 08:00:00.000. */
const START = Date.parse('2026-11-20T08:00:00Z');
const N = 20_000;
const RATE = 20;
const END = START + (N / RATE) * 1000;

const sortAgg = (rows: AggregateRow[]): string[] =>
  rows.map((r) => JSON.stringify([r.key, r.bucket ?? null, r.flows, r.value])).sort();
const sortGraph = (rows: GraphRow[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

const ms = (t: number): TimeKey => toTimeKey(t);
/** A time with nanoseconds, to test edges that are not whole seconds. */
const ns = (t: number, nanos: number): TimeKey => ({ secs: Math.floor(t / 1000), nanos });

/** Windows: all time, whole minutes, and ragged edges of every kind. */
const windows: { name: string; since?: TimeKey; until?: TimeKey; full: boolean }[] = [
  { name: 'all time', full: true },
  {
    name: 'whole minutes',
    since: ms(START + 120_000),
    until: ns(START + 600_000 - 1000, 999_999_999),
    full: true,
  },
  { name: 'ragged since (ms)', since: ms(START + 95_500), full: true },
  { name: 'ragged since (ns)', since: ns(START + 120_000, 1), full: true },
  { name: 'ragged until', until: ms(START + 430_250), full: true },
  { name: 'ragged both', since: ms(START + 61_001), until: ms(START + 545_999), full: true },
  // The last instant of a minute ends it: [08:03:00, 08:05:59.999999999] is two whole minutes.
  {
    name: 'until the last ns of a minute',
    since: ns(START + 180_000, 0),
    until: ns(START + 359_000, 999_999_999),
    full: true,
  },
  {
    name: 'until one ns before',
    since: ns(START + 180_000, 0),
    until: ns(START + 359_000, 999_999_998),
    full: true,
  },
  { name: 'last 10 min (dashboard)', since: ms(END - 600_000 + 37), until: ms(END), full: true },
  { name: 'inside one minute', since: ms(START + 130_000), until: ms(START + 170_000), full: false },
];

type Shape = Omit<AggregateSpec, 'since' | 'until' | 'toSeq' | 'path'>;
const either = (dim: 'namespace' | 'workload', v: string): AggregateSpec['whereAny'] => [
  { [`source_${dim}`]: [v] },
  { [`destination_${dim}`]: [v] },
];
/** Aggregate shapes of the dashboards (grouping, measure, step, pushed-down filters). */
const shapes: { name: string; s: Shape; rollup: boolean }[] = [
  { name: 'verdict per minute', s: { groupBy: ['verdict'], measure: 'flows', step: 60 }, rollup: true },
  { name: 'verdict per 5 min', s: { groupBy: ['verdict'], measure: 'flows', step: 300 }, rollup: true },
  { name: 'verdict, no series', s: { groupBy: ['verdict'], measure: 'flows' }, rollup: true },
  {
    name: 'count shop + DROPPED',
    s: { groupBy: [], measure: 'flows', where: { source_namespace: ['shop'], verdict: ['DROPPED'] } },
    rollup: true,
  },
  {
    name: 'count of nothing',
    s: { groupBy: [], measure: 'flows', where: { verdict: ['NO-SUCH'] } },
    rollup: true,
  },
  {
    name: 'drops by reason',
    s: { groupBy: ['drop_reason'], measure: 'flows', step: 60, where: { verdict: ['DROPPED'] } },
    rollup: true,
  },
  {
    name: 'drops by node, egress',
    s: {
      groupBy: ['node'],
      measure: 'flows',
      step: 60,
      where: { verdict: ['DROPPED'], traffic_direction: ['EGRESS'] },
    },
    rollup: true,
  },
  {
    name: 'tcp flags',
    s: { groupBy: ['tcp_flag'], measure: 'flows', step: 120, where: { protocol: ['TCP'] } },
    rollup: true,
  },
  {
    name: 'top source pods by drops',
    s: { groupBy: ['source_pod'], measure: 'flows', where: { verdict: ['DROPPED'] } },
    rollup: true,
  },
  {
    name: 'pods, either side namespace',
    s: {
      groupBy: ['destination_namespace', 'destination_pod'],
      measure: 'flows',
      step: 60,
      whereAny: either('namespace', 'shop'),
    },
    rollup: true,
  },
  {
    name: 'SYN by source pod, workload var',
    s: {
      groupBy: ['source_namespace', 'source_pod', 'tcp_flag'],
      measure: 'flows',
      where: { tcp_flag: ['SYN'] },
      whereAny: either('workload', 'frontend'),
    },
    rollup: true,
  },
  {
    name: 'source/destination workloads',
    s: { groupBy: ['source_workload', 'destination_workload'], measure: 'flows', step: 60 },
    rollup: true,
  },
  {
    name: 'dns rcodes',
    s: { groupBy: ['dns_rcode'], measure: 'flows', step: 60, where: { l7_protocol: ['dns'] } },
    rollup: true,
  },
  {
    name: 'dns qtype x rcode',
    s: { groupBy: ['dns_qtype', 'dns_rcode'], measure: 'flows', where: { l7_protocol: ['dns'] } },
    rollup: true,
  },
  {
    name: 'dns queries',
    s: {
      groupBy: ['dns_query', 'dns_qtype', 'dns_rcode'],
      measure: 'flows',
      step: 60,
      where: { l7_protocol: ['dns'] },
    },
    rollup: true,
  },
  {
    name: 'dns errors by pod',
    s: {
      groupBy: ['destination_namespace', 'destination_pod', 'dns_rcode'],
      measure: 'flows',
      where: { l7_protocol: ['dns'] },
    },
    rollup: true,
  },
  {
    name: 'http method x status',
    s: {
      groupBy: ['http_method', 'http_status'],
      measure: 'flows',
      step: 60,
      where: { l7_protocol: ['http'] },
    },
    rollup: true,
  },
  // (The golden input has no Kafka flows: the groups are all ''.)
  {
    name: 'kafka topics',
    s: { groupBy: ['kafka_topic', 'kafka_error'], measure: 'flows', step: 60 },
    rollup: true,
  },
  {
    name: 'merged panels (verdict x direction)',
    s: {
      groupBy: ['traffic_direction', 'verdict'],
      measure: 'flows',
      step: 60,
      where: { node: ['kind-worker'] },
    },
    rollup: true,
  },
  {
    name: 'filter list alternatives (coded only)',
    s: {
      groupBy: ['verdict'],
      measure: 'flows',
      step: 60,
      whereAny: [{ protocol: ['UDP'] }, { verdict: ['DROPPED'], traffic_direction: ['INGRESS'] }],
    },
    rollup: true,
  },
  {
    name: 'mean latency',
    s: { groupBy: ['l7_protocol'], measure: 'latency_mean_ms', where: { l7_protocol: ['http'] } },
    rollup: true,
  },
  {
    name: 'mean latency per minute by workload',
    s: { groupBy: ['destination_workload'], measure: 'latency_mean_ms', step: 60 },
    rollup: true,
  },
  {
    name: 'p95 latency',
    s: { groupBy: ['l7_protocol'], measure: 'latency_p95_ms', where: { l7_protocol: ['dns'] } },
    rollup: true,
  },
  {
    name: 'p95 by destination workload',
    s: { groupBy: ['destination_workload'], measure: 'latency_p95_ms', where: { l7_protocol: ['http'] } },
    rollup: true,
  },
  {
    name: 'p95 by path per minute',
    s: { groupBy: ['http_path'], measure: 'latency_p95_ms', step: 60, where: { l7_protocol: ['http'] } },
    rollup: true,
  },
  {
    name: 'p95 by dns query, either side',
    s: {
      groupBy: ['dns_query'],
      measure: 'latency_p95_ms',
      step: 60,
      whereAny: either('namespace', 'kube-system'),
    },
    rollup: true,
  },
  // What the rollup cannot answer: buckets that split minutes, the destination port.
  { name: 'step 30 s', s: { groupBy: ['verdict'], measure: 'flows', step: 30 }, rollup: false },
  { name: 'step 90 s', s: { groupBy: ['verdict'], measure: 'flows', step: 90 }, rollup: false },
  {
    name: 'by destination port',
    s: { groupBy: ['destination_port'], measure: 'flows', step: 60 },
    rollup: false,
  },
  {
    name: 'filter on destination port',
    s: { groupBy: ['verdict'], measure: 'flows', where: { destination_port: ['53'] } },
    rollup: false,
  },
];

const graphShapes: {
  name: string;
  s: Omit<GraphSpec, 'since' | 'until' | 'toSeq' | 'path'>;
  rollup: boolean;
}[] = [
  { name: 'workloads', s: { level: 'workload' }, rollup: true },
  { name: 'pods', s: { level: 'pod' }, rollup: true },
  {
    name: 'namespace variable (either side)',
    s: { level: 'workload', whereAny: either('namespace', 'shop') },
    rollup: true,
  },
  { name: 'drops only, pods', s: { level: 'pod', where: { verdict: ['DROPPED'] } }, rollup: true },
  {
    name: 'http, workload on the source',
    s: { level: 'workload', where: { l7_protocol: ['http'], source_workload: ['frontend'] } },
    rollup: true,
  },
  {
    name: 'destination port filter',
    s: { level: 'workload', where: { destination_port: ['53', '8080'] } },
    rollup: false,
  },
];

let store: FlowStore;
let dir: string;
let cleanup: () => void;

async function rollupAnswers(): Promise<number> {
  return (await store.history!.stats()).rollupAnswers ?? 0;
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  // Small batches: several per minute, so minutes hold rows of several batches until compacted.
  store = await FlowStore.open({
    ring: { capacity: 100 },
    history: { dir, batchSize: 700, maxAgeMs: 0, maxBytes: 0, retentionIntervalMs: 3600_000 },
  });
  const flows = [...syntheticFlows(goldenEvents(), N, { seed: 5, rate: RATE, startMs: START })];
  for (let i = 0; i < flows.length; i += 2000) {
    store.append(flows.slice(i, i + 2000));
    await store.flush();
  }
}, 60_000);

afterAll(async () => {
  await store?.close();
  cleanup?.();
});

describe('rollup answers equal raw-row answers', () => {
  it('the data spans many minutes and has every dashboard dimension', async () => {
    const h = store.history!;
    const byMinute = await h.aggregate({ groupBy: [], measure: 'flows', step: 60, path: 'raw' });
    expect(byMinute.filter((r) => r.bucket !== undefined).length).toBeGreaterThanOrEqual(16);
    const l7 = await h.aggregate({ groupBy: ['l7_protocol', 'verdict'], measure: 'flows', path: 'raw' });
    const keys = l7.map((r) => r.key.join('/'));
    for (const k of ['dns/FORWARDED', 'http/FORWARDED', '/DROPPED']) expect(keys).toContain(k);
    // The newest flows' rollup rows are still in memory: every query below also reads that tail.
    expect((await h.stats()).rollupPendingFlows).toBeGreaterThan(0);
  });

  for (const w of windows) {
    describe(w.name, () => {
      for (const sh of shapes) {
        it(`aggregate: ${sh.name}`, async () => {
          const spec: AggregateSpec = { ...sh.s, since: w.since, until: w.until, toSeq: store.ring.nextSeq };
          const before = await rollupAnswers();
          const auto = await store.history!.aggregate(spec);
          const used = (await rollupAnswers()) - before;
          const raw = await store.history!.aggregate({ ...spec, path: 'raw' });
          expect(sortAgg(auto)).toEqual(sortAgg(raw));
          expect(used).toBe(sh.rollup && w.full ? 1 : 0);
          expect(raw.length).toBeGreaterThan(0);
        });
      }
      for (const sh of graphShapes) {
        it(`graph: ${sh.name}`, async () => {
          const spec: GraphSpec = { ...sh.s, since: w.since, until: w.until, toSeq: store.ring.nextSeq };
          const before = await rollupAnswers();
          const auto = await store.history!.graph(spec);
          const used = (await rollupAnswers()) - before;
          const raw = await store.history!.graph({ ...spec, path: 'raw' });
          expect(sortGraph(auto)).toEqual(sortGraph(raw));
          expect(used).toBe(sh.rollup && w.full ? 1 : 0);
        });
      }
    });
  }

  it('non-empty answers for the shapes that filter (so equality is not vacuous)', async () => {
    for (const sh of shapes.filter((x) => x.s.where || x.s.whereAny)) {
      if (sh.name === 'count of nothing') continue;
      const rows = await store.history!.aggregate({ ...sh.s, path: 'raw' });
      expect(
        rows.reduce((s, r) => s + (r.bucket === undefined ? r.flows : 0), 0),
        sh.name,
      ).toBeGreaterThan(0);
    }
    for (const sh of graphShapes)
      expect((await store.history!.graph({ ...sh.s, path: 'raw' })).length, sh.name).toBeGreaterThan(0);
  });

  it('falls back to raw rows when flows at or beyond toSeq are committed (a batch after the caller flushed)', async () => {
    const toSeq = 12_345;
    for (const s of [
      { groupBy: ['verdict'], measure: 'flows', step: 60 },
      { groupBy: ['source_pod'], measure: 'flows' },
    ] as Shape[]) {
      const before = await rollupAnswers();
      const auto = await store.history!.aggregate({ ...s, toSeq });
      expect(await rollupAnswers()).toBe(before);
      expect(sortAgg(auto)).toEqual(sortAgg(await store.history!.aggregate({ ...s, toSeq, path: 'raw' })));
      const total = auto.filter((r) => r.bucket === undefined).reduce((a, r) => a + r.flows, 0);
      expect(total).toBe(toSeq);
    }
  });

  it('FlowStore.aggregate/graph use the rollup for the all-time dashboard queries', async () => {
    const before = await rollupAnswers();
    const a = await store.aggregate({ groupBy: ['verdict'], step: 60 });
    const g = await store.graph({ level: 'workload' });
    expect(await rollupAnswers()).toBe(before + 2);
    expect(a.groups.reduce((s, x) => s + x.total, 0)).toBe(N);
    expect(g.edges.reduce((s, e) => s + e.flows, 0)).toBe(N);
  });
});

describe('rollup upkeep', () => {
  const probes = async (s: FlowStore): Promise<void> => {
    for (const sh of [shapes[0], shapes[9], shapes[20], shapes[23]]) {
      const spec = { ...sh.s, toSeq: s.ring.nextSeq };
      expect(sortAgg(await s.history!.aggregate(spec)), sh.name).toEqual(
        sortAgg(await s.history!.aggregate({ ...spec, path: 'raw' })),
      );
    }
    const g = { level: 'workload' as const, toSeq: s.ring.nextSeq };
    expect(sortGraph(await s.history!.graph(g))).toEqual(
      sortGraph(await s.history!.graph({ ...g, path: 'raw' })),
    );
  };

  it('a store whose flows are not (all) in the rollup catches up at open: no rollup yet, rows added in SQL', async () => {
    const t = tempDir();
    try {
      let s = await FlowStore.open({
        ring: { capacity: 100 },
        history: { dir: t.dir, batchSize: 1000, maxAgeMs: 0, maxBytes: 0 },
      });
      const flows = [...syntheticFlows(goldenEvents(), 5000, { seed: 9, rate: RATE, startMs: START })];
      for (let i = 0; i < flows.length; i += 2000) {
        s.append(flows.slice(i, i + 2000));
        await s.flush();
      }
      await s.close();
      // As before the rollup existed (no rows), then time-shifted copies as bench/store.ts grows a store.
      const inst = await DuckDBInstance.create(join(t.dir, 'flows.duckdb'));
      const con = await inst.connect();
      await con.run('DELETE FROM rollup');
      await con.run('INSERT INTO flows SELECT * REPLACE (seq + 5000 AS seq, secs + 257 AS secs) FROM flows');
      con.closeSync();
      inst.closeSync();
      s = await FlowStore.open({
        ring: { capacity: 100 },
        history: { dir: t.dir, maxAgeMs: 0, maxBytes: 0 },
      });
      const a = await s.aggregate({ groupBy: [] });
      expect(a.groups[0].total).toBe(10_000);
      await probes(s);
      await s.close();
    } finally {
      t.cleanup();
    }
  });

  it('writes the rows held in memory once a minute has ended: at most two rows per key and minute', async () => {
    const t = tempDir();
    try {
      // 100-flow batches at 20 flows/s: 12 batches per minute.
      const s = await FlowStore.open({
        ring: { capacity: 100 },
        history: { dir: t.dir, batchSize: 100, maxAgeMs: 0, maxBytes: 0 },
      });
      const flows = [...syntheticFlows(goldenEvents(), 6150, { seed: 2, rate: RATE, startMs: START })];
      for (let i = 0; i < flows.length; i += 500) {
        s.append(flows.slice(i, i + 500));
        await s.flush();
      }
      // The newest minute's rows are still in memory; answers read those flows from the rows.
      const pending = (await s.history!.stats()).rollupPendingFlows!;
      expect(pending).toBeGreaterThan(0);
      expect(pending).toBeLessThanOrEqual(60 * RATE);
      await probes(s);
      await s.close();
      const inst = await DuckDBInstance.create(join(t.dir, 'flows.duckdb'));
      const con = await inst.connect();
      const one = async (sql: string): Promise<number> =>
        Number((await con.runAndReadAll(sql)).getRows()[0][0]);
      const most = await one(
        'SELECT max(n) FROM (SELECT COLUMNS(* EXCLUDE (c, ls, lc, t0, t1, s1)), count(*) AS n FROM rollup GROUP BY ALL)',
      );
      expect(most).toBeGreaterThanOrEqual(1);
      expect(most).toBeLessThanOrEqual(2);
      // close() wrote the rows held in memory.
      expect(await one('SELECT sum(c) FROM rollup')).toBe(6150);
      con.closeSync();
      inst.closeSync();
    } finally {
      t.cleanup();
    }
  });

  it('retention by age and by size deletes rollup rows with their flows (ragged cutoffs)', async () => {
    const t = tempDir();
    try {
      const opts = {
        dir: t.dir,
        batchSize: 500,
        maxAgeMs: 437_250,
        maxBytes: 0,
        retentionIntervalMs: 3600_000,
      };
      let s = await FlowStore.open({ ring: { capacity: 100 }, history: opts });
      const flows = [...syntheticFlows(goldenEvents(), 20_000, { seed: 4, rate: RATE, startMs: START })];
      for (let i = 0; i < flows.length; i += 2000) {
        s.append(flows.slice(i, i + 2000));
        await s.flush();
      }
      expect((await s.stats()).history!.droppedFlows).toBe(0);
      const r = await s.history!.retain();
      expect(r.deletedFlows).toBeGreaterThan(0);
      await probes(s);
      const all = await s.history!.aggregate({ groupBy: [], measure: 'flows' });
      expect(all[0].flows).toBe(20_000 - r.deletedFlows);
      await s.close();
      // By size: a limit well under what is stored.
      s = await FlowStore.open({
        ring: { capacity: 100 },
        history: { ...opts, maxAgeMs: 0, maxBytes: 300_000 },
      });
      const r2 = await s.history!.retain();
      expect(r2.deletedFlows).toBeGreaterThan(0);
      await probes(s);
      await s.close();
    } finally {
      t.cleanup();
    }
  }, 60_000);
});
