import { describe, expect, it } from 'vitest';
import { RingStore } from './ring-store.js';
import { followRing, readRing, type ReadItem, type ReadOptions } from './ring-reader.js';
import { StoreError } from './errors.js';
import { flowAt } from './testing.js';

const base = Date.parse('2026-11-20T08:00:00Z');
const at = (i: number): string => new Date(base + i * 1000).toISOString();
const dropped = (ev: { flow?: { verdict?: unknown } }): boolean => ev.flow?.verdict === 'DROPPED';

/** Ten flows, one per second; the odd ones are DROPPED. */
function ring10(capacity = 16): RingStore {
  const ring = new RingStore({ capacity });
  for (let i = 0; i < 10; i++)
    ring.append(flowAt(base + i * 1000, { verdict: i % 2 ? 'DROPPED' : 'FORWARDED' }));
  return ring;
}

const seqs = (items: ReadItem[]): number[] => items.map((it) => (it.kind === 'flow' ? it.seq : -1));

describe('readRing (non-follow)', () => {
  const cases: { name: string; opts: ReadOptions; want: number[] }[] = [
    { name: 'number 0 returns the whole buffer', opts: {}, want: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    { name: 'number 3 returns the newest 3', opts: { number: 3 }, want: [7, 8, 9] },
    {
      name: 'number larger than the buffer returns all',
      opts: { number: 50 },
      want: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
    { name: 'first with number 3 returns the oldest 3', opts: { first: true, number: 3 }, want: [0, 1, 2] },
    { name: 'first without number returns all', opts: { first: true }, want: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    {
      name: 'number with a filter counts matches only',
      opts: { number: 2, predicate: dropped },
      want: [7, 9],
    },
    { name: 'first with a filter', opts: { first: true, number: 2, predicate: dropped }, want: [1, 3] },
    { name: 'since starts at the first flow at/after it', opts: { since: at(6) }, want: [6, 7, 8, 9] },
    { name: 'since between flows', opts: { since: new Date(base + 6500) }, want: [7, 8, 9] },
    { name: 'since with number caps the count', opts: { since: at(2), number: 3 }, want: [2, 3, 4] },
    { name: 'since and until', opts: { since: at(2), until: at(4) }, want: [2, 3, 4] },
    { name: 'until alone stops at the first newer flow', opts: { until: base + 1000 }, want: [0, 1] },
    { name: 'since after everything returns nothing', opts: { since: at(20) }, want: [] },
    { name: 'since and filter', opts: { since: at(4), predicate: dropped }, want: [5, 7, 9] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(seqs([...readRing(ring10(), c.opts)])).toEqual(c.want);
    });
  }

  const bad: { name: string; opts: ReadOptions; follow?: boolean; re: RegExp }[] = [
    { name: 'rejects a negative number', opts: { number: -1 }, re: /number/ },
    { name: 'rejects an invalid since', opts: { since: 'yesterday' }, re: /invalid time/ },
  ];
  for (const c of bad) it(c.name, () => expect(() => [...readRing(ring10(), c.opts)]).toThrow(c.re));

  it('rejects first with follow', () => {
    expect(() => followRing(ring10(), { first: true } as ReadOptions)).toThrow(StoreError);
  });
});

/** Reads batches of a follower until `n` items arrived. */
async function take(gen: AsyncGenerator<ReadItem[]>, n: number): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  while (out.length < n) {
    const r = await gen.next();
    if (r.done) break;
    out.push(...r.value);
  }
  return out;
}

describe('followRing', () => {
  it('number 0 starts now and wakes on appends', async () => {
    const ring = ring10();
    const ac = new AbortController();
    const gen = followRing(ring, { signal: ac.signal });
    const first = take(gen, 2);
    setTimeout(() => ring.appendBatch([flowAt(base + 10_000), flowAt(base + 11_000)]), 10);
    expect(seqs(await first)).toEqual([10, 11]);
    ac.abort();
    expect((await gen.next()).done).toBe(true);
  });

  it('number N replays the newest N, then follows', async () => {
    const ring = ring10();
    const ac = new AbortController();
    const gen = followRing(ring, { number: 2, signal: ac.signal });
    const got = take(gen, 3);
    setTimeout(() => ring.append(flowAt(base + 10_000)), 10);
    expect(seqs(await got)).toEqual([8, 9, 10]);
    ac.abort();
  });

  it('filters live flows', async () => {
    const ring = ring10();
    const ac = new AbortController();
    const gen = followRing(ring, { predicate: dropped, signal: ac.signal });
    const got = take(gen, 1);
    setTimeout(
      () => ring.appendBatch([flowAt(base + 10_000), flowAt(base + 11_000, { verdict: 'DROPPED' })]),
      10,
    );
    expect(seqs(await got)).toEqual([11]);
    ac.abort();
  });

  it('ends at the first flow after until', async () => {
    const ring = ring10();
    const gen = followRing(ring, { since: at(8), until: at(10) });
    const got = take(gen, 10);
    setTimeout(
      () => ring.appendBatch([flowAt(base + 10_000), flowAt(base + 11_000), flowAt(base + 12_000)]),
      10,
    );
    expect(seqs(await got)).toEqual([8, 9, 10]);
    expect((await gen.next()).done).toBe(true);
  });

  it('is cancelled by its AbortSignal while waiting', async () => {
    const ring = ring10();
    const ac = new AbortController();
    const gen = followRing(ring, { signal: ac.signal });
    const pending = gen.next();
    setTimeout(() => ac.abort(), 10);
    expect((await pending).done).toBe(true);
  });

  it('reports lost events when it falls behind, with the exact count', async () => {
    const ring = new RingStore({ capacity: 4 });
    const ac = new AbortController();
    const gen = followRing(ring, { signal: ac.signal, maxBatch: 1 });
    ring.append(flowAt(base));
    expect(seqs(await take(gen, 1))).toEqual([0]);
    // 10 flows arrive while the reader is busy: only the last 4 are still held.
    for (let i = 1; i <= 10; i++) ring.append(flowAt(base + i * 1000));
    const items = await take(gen, 5);
    expect(items[0]).toMatchObject({ kind: 'lost', count: 6 });
    expect(seqs(items.slice(1))).toEqual([7, 8, 9, 10]);
    ac.abort();
  });
});
