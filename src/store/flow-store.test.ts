import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowStore } from './flow-store.js';
import type { ReadItem } from './ring-reader.js';
import type { QueryOptions } from './flow-query.js';
import { collect, flowAt, tempDir } from './testing.js';

const base = Date.parse('2026-11-20T08:00:00Z');
const at = (i: number): string => new Date(base + i * 1000).toISOString();
const seqs = (items: ReadItem[]): number[] => items.map((it) => (it.kind === 'flow' ? it.seq : -1));
const dropped = (ev: { flow?: { verdict?: unknown } }): boolean => ev.flow?.verdict === 'DROPPED';

/**
 * 100 flows one second apart (every 10th DROPPED) in a store whose ring holds only the newest
 * 20: seqs 0..79 are answered by DuckDB, 80..99 by the ring.
 */
describe('FlowStore across the store/ring boundary', () => {
  const tmp = tempDir();
  let store: FlowStore;
  beforeAll(async () => {
    store = await FlowStore.open({
      ring: { capacity: 20 },
      history: { dir: tmp.dir, batchSize: 16, maxAgeMs: 0 },
    });
    for (let i = 0; i < 100; i += 10) {
      store.append(
        Array.from({ length: 10 }, (_, k) =>
          flowAt(base + (i + k) * 1000, { verdict: (i + k) % 10 === 5 ? 'DROPPED' : 'FORWARDED' }),
        ),
      );
    }
    await store.flush();
  });
  afterAll(async () => {
    await store.close();
    tmp.cleanup();
  });

  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, k) => a + k);
  const cases: { name: string; opts: QueryOptions; want: number[] }[] = [
    { name: 'everything (number 0) spans store and ring without duplicates', opts: {}, want: range(0, 100) },
    { name: 'newest 5 come from the ring', opts: { number: 5 }, want: range(95, 100) },
    { name: 'newest 30 reach into the store', opts: { number: 30 }, want: range(70, 100) },
    { name: 'first 5 come from the store', opts: { first: true, number: 5 }, want: range(0, 5) },
    { name: 'first 85 cross into the ring', opts: { first: true, number: 85 }, want: range(0, 85) },
    {
      name: 'since in the store, until in the ring',
      opts: { since: at(75), until: at(84) },
      want: range(75, 85),
    },
    { name: 'since and until both in the store', opts: { since: at(10), until: at(12) }, want: [10, 11, 12] },
    { name: 'since in the ring', opts: { since: at(90) }, want: range(90, 100) },
    {
      name: 'since with number caps across the boundary',
      opts: { since: at(78), number: 4 },
      want: [78, 79, 80, 81],
    },
    {
      name: 'newest 3 drops (filter) reach into the store',
      opts: { number: 3, predicate: dropped },
      want: [75, 85, 95],
    },
    { name: 'first 2 drops', opts: { first: true, number: 2, predicate: dropped }, want: [5, 15] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const items = await collect(store.query({ ...c.opts, maxBatch: 7 }));
      expect(seqs(items)).toEqual(c.want);
      for (const it of items)
        expect(it.kind === 'flow' && it.event.flow!.time).toBe(
          it.kind === 'flow' ? at(it.seq).replace('.000Z', 'Z') : '',
        );
    });
  }

  it('follow with number replays across the boundary, then streams live flows', async () => {
    const ac = new AbortController();
    const gen = store.follow({ number: 25, signal: ac.signal });
    const got: ReadItem[] = [];
    for await (const b of gen) {
      const before = got.length;
      got.push(...b);
      // Once the 25 history flows are in, two live flows arrive.
      if (before < 25 && got.length >= 25) store.append([flowAt(base + 100_000), flowAt(base + 101_000)]);
      if (got.length >= 27) ac.abort();
    }
    expect(seqs(got)).toEqual(range(75, 102));
  });

  it('reports what the store and ring hold', async () => {
    await store.flush();
    const s = await store.stats();
    expect(s.store).toMatchObject({ enabled: true, flows: 102, oldest: at(0).replace('.000Z', 'Z') });
    expect(s.ring).toMatchObject({ size: 20, overwritten: 82 });
    expect(s.lost).toBe(0);
  });
});

describe('FlowStore memory-only', () => {
  it('answers reads from the ring alone and counts overwritten flows as lost', async () => {
    const store = await FlowStore.open({ ring: { capacity: 10 } });
    store.append(Array.from({ length: 15 }, (_, i) => flowAt(base + i * 1000)));
    expect(seqs(await collect(store.query({})))).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(seqs(await collect(store.query({ first: true, number: 2 })))).toEqual([5, 6]);
    const s = await store.stats();
    expect(s.store).toMatchObject({ enabled: false, flows: 10 });
    expect(s.lost).toBe(5);
    await store.close();
  });
});

describe('FlowStore restart', () => {
  it('continues sequence numbers and serves history from the store after reopening', async () => {
    const tmp = tempDir();
    try {
      const a = await FlowStore.open({ ring: { capacity: 8 }, history: { dir: tmp.dir, maxAgeMs: 0 } });
      a.append(Array.from({ length: 12 }, (_, i) => flowAt(base + i * 1000)));
      await a.close();
      const b = await FlowStore.open({ ring: { capacity: 8 }, history: { dir: tmp.dir, maxAgeMs: 0 } });
      expect(b.history!.recovery).toMatchObject({ unclean: false, nextSeq: 12, lostAtLeast: 0 });
      expect(b.append([flowAt(base + 12_000)])).toBe(12);
      expect(seqs(await collect(b.query({ number: 4 })))).toEqual([9, 10, 11, 12]);
      await b.close();
    } finally {
      tmp.cleanup();
    }
  });
});
