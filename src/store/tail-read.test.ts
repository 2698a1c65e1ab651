import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilters } from '../filter/index.js';
import { FlowStore } from './flow-store.js';
import { readRing, type FlowPredicate, type ReadItem } from './ring-reader.js';
import { collect, goldenEvents, tempDir } from './testing.js';
import { syntheticFlows } from './synthetic.js';
import { StoreError } from './errors.js';

const start = Date.parse('2026-11-20T08:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const seqs = (items: ReadItem[]): number[] =>
  items.filter((it) => it.kind === 'flow' && it.event.flow).map((it) => (it as { seq: number }).seq);

describe('tail reads: the last N matches of a window, as a full read of the window ends', () => {
  // 2,000 flows over 200 s, with times out of append order by up to 1 s.
  const events = [...syntheticFlows(goldenEvents(), 2000, { rate: 10, startMs: start, seed: 3 })];
  const t = tempDir();
  let ring: FlowStore;
  let stored: FlowStore;
  beforeAll(async () => {
    ring = await FlowStore.open({ ring: { capacity: 4096 } });
    // A small ring: windows span the store and the ring.
    stored = await FlowStore.open({ ring: { capacity: 300 }, history: { dir: t.dir, batchSize: 256 } });
    for (const s of [ring, stored]) {
      s.append(events);
      await s.flush();
    }
  });
  afterAll(async () => {
    await ring?.close();
    await stored?.close();
    t.cleanup();
  });

  const predicates: [string, FlowPredicate | undefined][] = [
    ['no filter', undefined],
    ['dns', compileFilters([{ protocol: ['dns'] }], [])],
    ['drops', compileFilters([{ verdict: ['DROPPED'] }], [])],
    ['nothing', compileFilters([{ protocol: ['kafka'] }], [])],
  ];
  const windows: [string, { since?: string; until?: string }][] = [
    ['whole range', { since: iso(start - 1000), until: iso(start + 300_000) }],
    ['inside the store', { since: iso(start + 10_000), until: iso(start + 60_000) }],
    ['across store and ring', { since: iso(start + 150_000), until: iso(start + 190_500) }],
    ['ring only', { since: iso(start + 195_000) }],
    ['until only', { until: iso(start + 120_000) }],
  ];
  for (const [pname, predicate] of predicates) {
    for (const [wname, w] of windows) {
      it(`${pname}, ${wname}`, async () => {
        for (const store of [ring, stored]) {
          const all = seqs(await collect(store.query({ ...w, predicate })));
          for (const tail of [1, 7, 101, 5000]) {
            const got = seqs(await collect(store.query({ ...w, predicate, tail })));
            expect(got).toEqual(all.slice(-tail));
          }
        }
        const all = seqs([...readRing(ring.ring, { ...w, predicate })]);
        for (const tail of [1, 50, 5000])
          expect(seqs([...readRing(ring.ring, { ...w, predicate, tail })])).toEqual(all.slice(-tail));
      });
    }
  }

  it('rejects tail with follow, first or number, and bad values', () => {
    expect(() => ring.query({ tail: 5, first: true })).toThrow(StoreError);
    expect(() => ring.query({ tail: 5, number: 3 })).toThrow(/tail/);
    expect(() => ring.follow({ tail: 5 } as never)).toThrow(/tail/);
    expect(() => ring.query({ tail: -1 })).toThrow(/tail/);
  });
});
