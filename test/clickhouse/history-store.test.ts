/**
 * The ClickHouse history store against a real server (test/clickhouse/run.sh starts one): the
 * behaviours the DuckDB store's tests check, and the same answers as DuckDB on the same flows.
 * Each test uses its own database.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAgeRetention } from '../../src/store/history-conformance.js';
import { readdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { decodeEvent, type FlowEvent } from '../../src/flow/index.js';
import { FlowStore } from '../../src/store/flow-store.js';
import { ClickHouseHistoryStore, type ClickHouseHistoryOptions } from '../../src/store/clickhouse/client.js';
import { collect, flowAt, goldenEvents, tempDir } from '../../src/store/testing.js';
import { syntheticFlows } from '../../src/store/synthetic.js';
import { foldGraph } from '../../src/store/graph.js';
import type { AggregateRow, AggregateSpec, GraphRow, GraphSpec } from '../../src/store/history-store.js';
import type { Dimension } from '../../src/server/http/contract.js';
import { DIMENSIONS } from '../../src/store/dims.js';
import { toTimeKey } from '../../src/store/time-key.js';
import { parseSelection } from '../../src/server/http/selection.js';
import { pushdown } from '../../src/server/http/pushdown.js';

const URL_ = process.env.FLOWLENS_TEST_CLICKHOUSE_URL;
const USER = process.env.FLOWLENS_TEST_CLICKHOUSE_USER;
const PASSWORD = process.env.FLOWLENS_TEST_CLICKHOUSE_PASSWORD;
if (!URL_) throw new Error('FLOWLENS_TEST_CLICKHOUSE_URL is not set: run test/clickhouse/run.sh');
const httpBase = URL_.replace(/^clickhouse:\/\//, 'http://').replace(/\/[^/]*$/, '');

const base = Date.parse('2026-11-20T08:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let admin: ClickHouseClient;
let dbN = 0;
const dbs: string[] = [];
beforeAll(() => {
  admin = createClient({
    url: httpBase,
    username: USER,
    password: PASSWORD,
    log: { level: ClickHouseLogLevel.OFF },
  });
});
afterAll(async () => {
  for (const db of dbs) await admin.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await admin.close();
});

/** A fresh database name (dropped at the end). */
function freshDb(): string {
  const db = `flowlens_t${process.pid}_${++dbN}`;
  dbs.push(db);
  return db;
}

type ChOpts = Partial<Omit<ClickHouseHistoryOptions, 'url'>>;
const chUrl = (db: string): string => `${httpBase.replace(/^http:/, 'clickhouse:')}/${db}`;

async function openCh(db: string, o: ChOpts = {}): Promise<ClickHouseHistoryStore> {
  return ClickHouseHistoryStore.open({ url: chUrl(db), username: USER, password: PASSWORD, ...o });
}

/** A FlowStore over a ClickHouse history in a fresh (or given) database. */
async function openStore(o: ChOpts = {}, ring = 1000, db = freshDb()): Promise<FlowStore> {
  const h = await openCh(db, o);
  const store = await FlowStore.open({ ring: { capacity: ring }, historyStore: h });
  cleanups.push(() => store.close());
  return store;
}

async function openDuck(ring = 1000): Promise<FlowStore> {
  const t = tempDir();
  const store = await FlowStore.open({ ring: { capacity: ring }, history: { dir: t.dir, maxAgeMs: 0 } });
  cleanups.push(t.cleanup);
  cleanups.push(() => store.close());
  return store;
}

function fixtureEvents(): { file: string; events: FlowEvent[] }[] {
  const dir = new URL('../fixtures/hubble/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((file) => ({
      file,
      events: readFileSync(new URL(file, dir), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => decodeEvent(JSON.parse(l))),
    }));
}

describe('ClickHouseHistoryStore options and connection', () => {
  it('rejects bad options and addresses, naming the setting', async () => {
    await expect(ClickHouseHistoryStore.open({ url: chUrl('x'), batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(ClickHouseHistoryStore.open({ url: 'clickhouse://h/bad-db' })).rejects.toThrow(/database/);
    await expect(ClickHouseHistoryStore.open({ url: 'ftp://h/x' })).rejects.toMatchObject({
      code: 'STORE_BAD_CONFIG',
    });
  });

  it('reports a wrong password without the password', async () => {
    const err = await ClickHouseHistoryStore.open({
      url: chUrl(freshDb()),
      username: USER,
      password: 'wrong-pw-123456',
    }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'STORE_IO' });
    expect((err as Error).message).toMatch(/cannot open the ClickHouse store at http:\/\/127\.0\.0\.1:\d+\//);
    expect((err as Error).message).not.toContain('wrong-pw-123456');
  });

  it('reports an unreachable server as STORE_IO, and accepts credentials in the URL', async () => {
    await expect(
      ClickHouseHistoryStore.open({ url: 'clickhouse://127.0.0.1:1/x', requestTimeoutMs: 2000 }),
    ).rejects.toMatchObject({ code: 'STORE_IO' });
    const db = freshDb();
    const h = await ClickHouseHistoryStore.open({
      url: chUrl(db).replace('clickhouse://', `clickhouse://${USER}:${PASSWORD}@`),
    });
    expect(h.address).not.toContain(PASSWORD!);
    await h.close();
  });
});

describe('ClickHouseHistoryStore round trip', () => {
  it('returns exactly what was stored, page by page, in both orders (golden input)', async () => {
    const store = await openStore({ batchSize: 64 }, 16);
    const events = goldenEvents();
    store.append(events);
    await store.flush();
    const asc = await store.history!.page({ order: 'asc', limit: 100, fromSeq: 250 });
    expect(Array.from(asc.seq.subarray(0, asc.count))).toEqual(Array.from({ length: 50 }, (_, k) => 250 + k));
    const desc = await store.history!.page({ order: 'desc', limit: 3, toSeq: 10 });
    expect(Array.from(desc.seq.subarray(0, desc.count))).toEqual([9, 8, 7]);
    const all = await collect(store.query({}));
    expect(all.map((it) => it.event)).toStrictEqual(events);
  });

  it('round-trips every shared Hubble fixture exactly', async () => {
    for (const { file, events } of fixtureEvents()) {
      const store = await openStore({ batchSize: 100 }, 1);
      store.append(events);
      await store.flush();
      const all = await collect(store.query({}));
      expect(
        all.map((it) => it.event),
        file,
      ).toStrictEqual(events);
    }
  });

  it('round-trips varied synthetic flows across day partitions, and reopens where it stopped', async () => {
    const db = freshDb();
    // 20,000 flows at 0.1 flows/s of simulated time: about 2.3 days, 3 partitions.
    const events = [...syntheticFlows(goldenEvents(), 20_000, { seed: 5, rate: 0.1 })];
    const store = await openStore({ batchSize: 4096 }, 10, db);
    store.append(events);
    await store.flush();
    const all = await collect(store.query({}));
    expect(all.length).toBe(events.length);
    expect(all.map((it) => it.event)).toStrictEqual(events);
    const parts = await admin.query({
      query: `SELECT count(DISTINCT partition) AS n FROM system.parts WHERE database = '${db}' AND table = 'flows' AND active`,
      format: 'JSONEachRow',
    });
    expect(Number(((await parts.json()) as { n: string }[])[0].n)).toBe(3);
    await store.close();
    cleanups.pop();
    const again = await openStore({}, 10, db);
    expect(again.history!.recovery).toMatchObject({ unclean: false, nextSeq: 20_000, lostAtLeast: 0 });
    const tail = await collect(again.query({ number: 5 }));
    expect(tail.map((i) => i.event)).toStrictEqual(events.slice(-5));
  });
});

describe('ClickHouseHistoryStore pages by seq and time', () => {
  it('selects by seq range, since/until and newest N across the store and the ring', async () => {
    const store = await openStore({ batchSize: 50 }, 20);
    const events = Array.from({ length: 100 }, (_, i) => flowAt(base + i * 1000, { pod: `p${i}` }));
    store.append(events);
    await store.flush();
    const h = store.history!;
    const p = await h.page({
      order: 'asc',
      limit: 10,
      since: toTimeKey(base + 30_000),
      until: toTimeKey(base + 35_000),
    });
    expect(Array.from(p.seq.subarray(0, p.count))).toEqual([30, 31, 32, 33, 34, 35]);
    const d = await h.page({
      order: 'desc',
      limit: 4,
      fromSeq: 10,
      toSeq: 60,
      until: toTimeKey(base + 40_500),
    });
    expect(Array.from(d.seq.subarray(0, d.count))).toEqual([40, 39, 38, 37]);
    const last = await collect(store.query({ number: 25 }));
    expect(last.map((i) => i.kind === 'flow' && i.seq)).toEqual(Array.from({ length: 25 }, (_, k) => 75 + k));
    const first = await collect(store.query({ first: true, number: 3, since: new Date(base + 5_000) }));
    expect(first.map((i) => i.event.flow?.source?.pod_name)).toEqual(['p5', 'p6', 'p7']);
    // Sub-second bounds are exact to the nanosecond.
    const ns = await h.page({
      order: 'asc',
      limit: 10,
      since: { secs: base / 1000 + 3, nanos: 1 },
      until: toTimeKey(base + 5000),
    });
    expect(Array.from(ns.seq.subarray(0, ns.count))).toEqual([4, 5]);
  });

  it('pages over a large sparse range (windows grow until the page is full)', async () => {
    const store = await openStore({ batchSize: 8192 }, 10);
    const events = [...syntheticFlows(goldenEvents(), 30_000, { seed: 9 })];
    store.append(events);
    await store.flush();
    const h = store.history!;
    const lastTime = toTimeKey(events[29_990].time!);
    const p = await h.page({ order: 'asc', limit: 5, since: lastTime });
    expect(p.count).toBe(5);
    expect(p.seq[0]).toBeGreaterThanOrEqual(29_980);
    const d = await h.page({ order: 'desc', limit: 5, until: toTimeKey(events[3].time!) });
    expect(Array.from(d.seq.subarray(0, d.count)).every((s) => s <= 10)).toBe(true);
  });
});

/** Rows made comparable: sorted, values rounded. */
function norm(rows: AggregateRow[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify([
        r.key,
        r.bucket ?? null,
        r.flows,
        Number.isNaN(r.value) ? 'NaN' : Number(r.value.toFixed(6)),
      ]),
    )
    .sort();
}
function normGraph(rows: GraphRow[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe('ClickHouseHistoryStore answers as the DuckDB store does', () => {
  let ch: FlowStore;
  let duck: FlowStore;
  const events: FlowEvent[] = [];
  beforeAll(async () => {
    events.push(...goldenEvents(), ...fixtureEvents().flatMap((f) => f.events));
    events.push(...syntheticFlows(goldenEvents(), 20_000, { seed: 21, startMs: base + 3600_000 }));
    // Values that need escaping in SQL literals and in TSV.
    for (const ns of ["it's", 'a\\b', 'tab\there', 'new\nline', "q'); DROP TABLE flows; --"])
      events.push(flowAt(base + 7200_000, { ns, pod: `${ns}-pod` }));
  });

  const open = async (): Promise<void> => {
    if (ch) return;
    ch = await openStore({ batchSize: 4096, maxAgeMs: 0 }, 100);
    duck = await openDuck(100);
    cleanups.length = 0; // kept for the whole describe; closed below
    for (const s of [ch, duck]) {
      s.append(events);
      await s.flush();
    }
  };
  afterAll(async () => {
    await ch?.close();
    await duck?.close();
  });

  const dims = Object.keys(DIMENSIONS) as Dimension[];
  const specs: [string, Omit<AggregateSpec, 'toSeq'>][] = [
    ...dims.map((d): [string, Omit<AggregateSpec, 'toSeq'>] => [
      `by ${d}`,
      { groupBy: [d], measure: 'flows' },
    ]),
    ['no keys', { groupBy: [], measure: 'flows' }],
    ['two keys, per minute', { groupBy: ['verdict', 'source_namespace'], measure: 'flows', step: 60 }],
    ['no keys, per 10 s', { groupBy: [], measure: 'flows', step: 10 }],
    ['mean latency by dst workload', { groupBy: ['destination_workload'], measure: 'latency_mean_ms' }],
    ['p95 latency by dst workload', { groupBy: ['destination_workload'], measure: 'latency_p95_ms' }],
    ['p95 latency per 5 min', { groupBy: ['l7_protocol'], measure: 'latency_p95_ms', step: 300 }],
    [
      'drops by pod, filtered',
      { groupBy: ['source_pod'], measure: 'flows', where: { verdict: ['DROPPED'] } },
    ],
    [
      'dns rcode, filtered by enum values (one unknown)',
      {
        groupBy: ['dns_rcode'],
        measure: 'flows',
        step: 60,
        where: { l7_protocol: ['dns', 'nope'], is_reply: ['true'] },
      },
    ],
    [
      'filter on an unknown enum value only',
      { groupBy: ['verdict'], measure: 'flows', where: { protocol: ['XYZ'] } },
    ],
    [
      'filter with quotes, backslashes, tabs, newlines',
      {
        groupBy: ['source_namespace', 'source_pod'],
        measure: 'flows',
        where: { source_namespace: ["it's", 'a\\b', 'tab\there', 'new\nline', "q'); DROP TABLE flows; --"] },
      },
    ],
    ['empty filter list', { groupBy: ['verdict'], measure: 'flows', where: { verdict: [] } }],
    [
      'either side (whereAny), with a coded filter',
      {
        groupBy: ['source_workload', 'destination_workload'],
        measure: 'flows',
        step: 60,
        where: { l7_protocol: ['dns'] },
        whereAny: [{ source_namespace: ['kube-system'] }, { destination_namespace: ['kube-system'] }],
      },
    ],
    [
      'coded alternatives only (whereAny)',
      {
        groupBy: ['verdict', 'tcp_flag'],
        measure: 'flows',
        whereAny: [{ verdict: ['DROPPED'] }, { tcp_flag: ['SYN', 'SYN,ACK'], protocol: ['TCP'] }],
      },
    ],
    [
      'destination port filter',
      { groupBy: ['destination_port'], measure: 'flows', where: { destination_port: ['53', '80', ''] } },
    ],
    [
      'time window',
      {
        groupBy: ['verdict'],
        measure: 'flows',
        since: toTimeKey(base + 3600_000 + 5_000),
        until: toTimeKey(base + 3600_000 + 20_000),
      },
    ],
  ];
  for (const [name, spec] of specs) {
    it(`aggregate: ${name}`, async () => {
      await open();
      const toSeq = ch.ring.nextSeq;
      const a = await ch.history!.aggregate({ ...spec, toSeq });
      const b = await duck.history!.aggregate({ ...spec, toSeq });
      expect(norm(a)).toEqual(norm(b));
      if (!/unknown enum|empty filter/.test(name)) expect(a.length).toBeGreaterThan(0);
      if (name.startsWith('filter with quotes')) expect(a.length).toBe(5);
    });
  }

  const graphs: [string, Omit<GraphSpec, 'toSeq'>][] = [
    ['workloads', { level: 'workload' }],
    ['pods', { level: 'pod' }],
    [
      'workloads, filtered',
      {
        level: 'workload',
        where: { verdict: ['FORWARDED', 'DROPPED'], source_namespace: ['shop', 'kube-system'] },
      },
    ],
    [
      'pods, window',
      { level: 'pod', since: toTimeKey(base + 3600_000), until: toTimeKey(base + 3600_000 + 10_000) },
    ],
    ['port filter', { level: 'workload', where: { destination_port: ['53'] } }],
    [
      'either side (whereAny)',
      {
        level: 'pod',
        whereAny: [
          { source_workload: ['coredns'], verdict: ['FORWARDED'] },
          { destination_workload: ['coredns'] },
        ],
      },
    ],
  ];
  for (const [name, spec] of graphs) {
    it(`graph: ${name}`, async () => {
      await open();
      const toSeq = ch.ring.nextSeq;
      const a = await ch.history!.graph({ ...spec, toSeq });
      const b = await duck.history!.graph({ ...spec, toSeq });
      expect(normGraph(a)).toEqual(normGraph(b));
      expect(foldGraph(a, spec.level, 60)).toEqual(foldGraph(b, spec.level, 60));
    });
  }

  it('pushed-down dashboard filters (whereAny, protocol, verdict, TCP flags) equal the predicate answer', async () => {
    await open();
    const cases: Record<string, string>[] = [
      { filter: '--protocol dns', workload: 'kube-system/coredns' },
      { filter: '--verdict DROPPED', namespace: 'identity' },
      { filter: '--protocol http --verdict DROPPED' },
      { filter: '--tcp-flags SYN', namespace: 'payments', side: 'source' },
      { filter: '--tcp-flags SYN,ACK' },
      { filter: '--protocol udp', node: 'kind-worker', namespace: 'kube-system' },
      { filter: '--verdict FORWARDED --traffic-direction egress', namespace: "it's" },
      { allow: JSON.stringify([{ verdict: ['DROPPED'] }, { protocol: ['icmp'] }]) },
    ];
    const round = <T>(v: T): T =>
      JSON.parse(JSON.stringify(v), (_, x: unknown) =>
        typeof x === 'number' ? Number(x.toPrecision(12)) : x,
      ) as T;
    for (const c of cases) {
      const sel = parseSelection(new URLSearchParams(c), 100, 0);
      const pd = pushdown(sel);
      expect(pd.predicate, JSON.stringify(c)).toBeUndefined();
      for (const q of [
        { groupBy: ['source_namespace', 'source_pod', 'tcp_flag'] as Dimension[], step: 60, k: 1000 },
        { groupBy: ['dns_rcode'] as Dimension[], measure: 'latency_p95_ms' as const, k: 1000 },
      ]) {
        const { coverage: ca, ...a } = await ch.aggregate({ ...q, ...pd });
        const { coverage: cb, ...b } = await duck.aggregate({ ...q, predicate: sel.predicate });
        expect(round(a), JSON.stringify(c)).toEqual(round(b));
        expect(ca.examined).toBe(cb.examined);
      }
      const { coverage: _g, ...g1 } = await ch.graph({ level: 'workload', ...pd });
      const { coverage: _h, ...g2 } = await duck.graph({ level: 'workload', predicate: sel.predicate });
      expect(g1, JSON.stringify(c)).toEqual(g2);
    }
  });

  it('FlowStore.aggregate and graph give the same responses (minus coverage)', async () => {
    await open();
    const q = { groupBy: ['source_workload', 'verdict'] as Dimension[], step: 60, k: 5 };
    const { coverage: _a, ...x } = await ch.aggregate(q);
    const { coverage: _b, ...y } = await duck.aggregate(q);
    expect(x).toEqual(y);
    const { coverage: _c, ...g1 } = await ch.graph({ level: 'workload' });
    const { coverage: _d, ...g2 } = await duck.graph({ level: 'workload' });
    expect(g1).toEqual(g2);
  });
});

describe('ClickHouseHistoryStore retention', () => {
  it('expires flows older than maxAge (relative to the newest flow)', async () => {
    const store = await openStore({ maxAgeMs: 3600_000, retentionIntervalMs: 3600_000 }, 100);
    await expectAgeRetention(store, base);
    const agg = await store.aggregate({ groupBy: [] });
    expect(agg.groups[0].total).toBe(361 + 0); // the ring's flows are in the store too
  });

  it('drops whole days by partition, with their fragments, and the floor survives a restart', async () => {
    const db = freshDb();
    const day = 86_400_000;
    const store = await openStore({ maxAgeMs: day, retentionIntervalMs: 3600_000, batchSize: 100 }, 10, db);
    // One flow an hour over 4 days.
    store.append(Array.from({ length: 96 }, (_, i) => flowAt(base + i * 3600_000, { pod: `p${i}` })));
    await store.flush();
    const r = await store.history!.retain();
    // Newest: base + 95 h; cutoff: base + 71 h -> 71 flows expire.
    expect(r.deletedFlows).toBe(71);
    const parts = async (table: string): Promise<string[]> => {
      const rs = await admin.query({
        query: `SELECT DISTINCT partition AS p FROM system.parts WHERE database = '${db}' AND table = '${table}' AND active ORDER BY p`,
        format: 'JSONEachRow',
      });
      return ((await rs.json()) as { p: string }[]).map((x) => x.p.replace(/'/g, ''));
    };
    // base is 2026-11-20 08:00; the cutoff (2026-11-23 07:00) is in the 4th day: days 1-3 dropped.
    expect(await parts('flows')).toEqual(['2026-11-23', '2026-11-24']);
    expect(await parts('endpoints')).toEqual(['2026-11-23', '2026-11-24']);
    await store.close();
    cleanups.pop();
    const again = await openStore({ maxAgeMs: day, retentionIntervalMs: 3600_000 }, 10, db);
    const s = await again.stats();
    expect(s.history!.flows).toBe(25);
    const all = await collect(again.query({}));
    expect(all.map((i) => i.event.flow?.source?.pod_name)).toEqual(
      Array.from({ length: 25 }, (_, k) => `p${71 + k}`),
    );
  });

  it('keeps the data under maxBytes by deleting the oldest flows', async () => {
    const N = 60_000;
    const db = freshDb();
    const store = await openStore({ maxAgeMs: 0, retentionIntervalMs: 3600_000, batchSize: 8192 }, 100, db);
    const batch = [...syntheticFlows(goldenEvents(), N, { seed: 3 })];
    for (let i = 0; i < batch.length; i += 10_000) {
      store.append(batch.slice(i, i + 10_000));
      await store.flush();
    }
    const before = await store.stats();
    expect(before.history).toMatchObject({ flows: N, droppedFlows: 0 });
    await store.close();
    cleanups.pop();
    const limit = Math.floor(before.history!.bytes / 2);
    const small = await openStore({ maxAgeMs: 0, maxBytes: limit, retentionIntervalMs: 3600_000 }, 100, db);
    const r = await small.history!.retain();
    expect(r.bytesBefore).toBeGreaterThan(limit);
    expect(r.bytesAfter).toBeLessThanOrEqual(limit);
    expect(r.deletedFlows).toBeGreaterThan(0);
    const s = await small.stats();
    expect(s.history!.flows).toBe(N - r.deletedFlows);
    const first = await collect(small.query({ first: true, number: 1 }));
    expect(first[0]).toMatchObject({ kind: 'flow', seq: r.deletedFlows });
  });
});

describe('ClickHouseHistoryStore stats, back-pressure and recovery', () => {
  it('drops and counts batches when the write queue is full, never silently', async () => {
    const store = await openStore({ batchSize: 10, maxQueuedBatches: 2 });
    for (let i = 0; i < 100; i++)
      store.append(Array.from({ length: 10 }, (_, k) => flowAt(base + (i * 10 + k) * 1000)));
    await store.flush();
    const s = await store.stats();
    expect(s.history!.droppedBatches).toBeGreaterThan(0);
    expect(s.history!.flows + s.history!.droppedFlows).toBe(1000);
    expect(s.lost).toBe(s.history!.droppedFlows);
    expect(s.history!.committedFlows).toBe(s.history!.flows);
    expect(s.history!.bytes).toBeGreaterThan(0);
  });

  it('counts a failed write and reports it without losing the store', async () => {
    const db = freshDb();
    const store = await openStore({ batchSize: 10 }, 100, db);
    store.append(Array.from({ length: 10 }, (_, k) => flowAt(base + k * 1000)));
    await store.flush();
    await admin.command({ query: `RENAME TABLE ${db}.flows TO ${db}.flows_away` });
    store.append(Array.from({ length: 10 }, (_, k) => flowAt(base + (10 + k) * 1000)));
    await store.flush();
    const s = await store.history!.stats();
    expect(s).toMatchObject({ failedBatches: 1, droppedFlows: 10, flows: 10 });
    expect(s.lastError).toMatch(/write failed: ClickHouse insert failed \(code 60\)/);
    await admin.command({ query: `RENAME TABLE ${db}.flows_away TO ${db}.flows` });
  });

  it('reports an unclean previous run and continues the numbering', async () => {
    const db = freshDb();
    const h = await openCh(db, { batchSize: 100 });
    const store = await FlowStore.open({ ring: { capacity: 10 }, historyStore: h });
    store.append(Array.from({ length: 250 }, (_, k) => flowAt(base + k * 1000)));
    await store.flush();
    // Accepted upstream but never written (the process "dies" here: no close).
    store.append(Array.from({ length: 30 }, (_, k) => flowAt(base + (250 + k) * 1000)));
    h.markAccepted(280);
    await (h as unknown as { writeMark(clean: boolean): Promise<void> }).writeMark(false);
    const again = await openStore({ batchSize: 100 }, 10, db);
    const rec = again.history!.recovery;
    expect(rec).toMatchObject({ unclean: true, nextSeq: 250, lossBound: 100 * 9 });
    expect(rec.lostAtLeast).toBe(30);
    expect(again.append([flowAt(base)])).toBe(250);
    // (the "dead" store's pending batch is never written: it had not been sent)
    await store.close().catch(() => undefined);
  });

  it('rejects calls after close with StoreError', async () => {
    const h = await openCh(freshDb());
    await h.close();
    await expect(h.stats()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(h.append({ count: 1 } as never)).toBe(false);
  });
});

describe('flowlens serve --store-url', () => {
  const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const golden = new URL('../golden-hubble/input.jsonl', import.meta.url).pathname;
  const run = (args: string[], env: Record<string, string>) => {
    const script = `import { main } from ${JSON.stringify(cli)}; main(['node', 'flowlens', ...process.argv.slice(1)]).then((c) => { if (typeof c === 'number') process.exitCode = c; });`;
    return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };

  it('stores what it ingests in ClickHouse, prints the address without the password, stops cleanly', async () => {
    const db = freshDb();
    const child = run(
      [
        'serve',
        '--source',
        `file:${golden}`,
        '--store-url',
        chUrl(db),
        '--store-user',
        USER!,
        '--grpc-listen',
        '127.0.0.1:0',
        '--http-listen',
        '127.0.0.1:0',
        '--metrics-listen',
        'off',
      ],
      { FLOWLENS_STORE_PASSWORD: PASSWORD! },
    );
    cleanups.push(() => void child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const count = async (): Promise<number> => {
      const rs = await admin
        .query({ query: `SELECT count() AS n FROM ${db}.flows`, format: 'JSONEachRow' })
        .catch(() => undefined);
      return rs ? Number(((await rs.json()) as { n: string }[])[0].n) : 0;
    };
    const until = Date.now() + 60_000;
    while ((await count()) < 300 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await count()).toBe(300);
    expect(out).toMatch(new RegExp(`flow store: ClickHouse at http://127\\.0\\.0\\.1:\\d+/${db}`));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).not.toContain(PASSWORD!);
    // A clean stop leaves a clean mark.
    const h = await openCh(db);
    expect(h.recovery).toMatchObject({ unclean: false, nextSeq: 300 });
    await h.close();
  });

  it('fails to start with a wrong password, naming --store-url and not the password', async () => {
    const child = run(
      [
        'serve',
        '--store-url',
        chUrl(freshDb()),
        '--store-user',
        USER!,
        '--grpc-listen',
        'off',
        '--http-listen',
        'off',
        '--metrics-listen',
        'off',
      ],
      {
        FLOWLENS_STORE_PASSWORD: 'not-the-password-42',
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(
      /flowlens serve: cannot open the flow store of --store-url: cannot open the ClickHouse store at http:\/\/127\.0\.0\.1:\d+\/\w+: .*(Code: 193|password)/i,
    );
    expect(err).not.toContain('not-the-password-42');
  });
});
