import { describe, expect, it } from 'vitest';
import { RingStore, MAX_RING_CAPACITY } from './ring-store.js';
import { StoreError } from './errors.js';
import { readRing, type ReadItem } from './ring-reader.js';
import { flowAt, goldenEvents } from './testing.js';
import { loadScenario, simulate } from '../sim/index.js';
import type { FlowEvent } from '../flow/types.js';
import { isSharedEndpoint } from '../flow/json-codec.js';

const base = Date.parse('2026-11-20T08:00:00Z');

describe('RingStore capacity', () => {
  const cases: { name: string; capacity: number; wantError: boolean }[] = [
    { name: 'accepts 1', capacity: 1, wantError: false },
    { name: 'accepts 4095', capacity: 4095, wantError: false },
    { name: 'rejects 0', capacity: 0, wantError: true },
    { name: 'rejects -1', capacity: -1, wantError: true },
    { name: 'rejects 1.5', capacity: 1.5, wantError: true },
    { name: 'rejects NaN', capacity: NaN, wantError: true },
    { name: 'rejects above the maximum', capacity: MAX_RING_CAPACITY + 1, wantError: true },
  ];
  for (const c of cases) {
    it(`capacity > ${c.name}`, () => {
      const make = (): RingStore => new RingStore({ capacity: c.capacity });
      if (c.wantError) {
        expect(make).toThrow(StoreError);
        expect(make).toThrow(/ring capacity/);
      } else expect(make().capacity).toBe(c.capacity);
    });
  }
});

describe('RingStore wraparound', () => {
  const cases = [
    { name: 'below capacity', capacity: 10, appended: 7, size: 7, overwritten: 0, oldest: 0 },
    { name: 'exactly full', capacity: 10, appended: 10, size: 10, overwritten: 0, oldest: 0 },
    { name: 'wrapped once', capacity: 10, appended: 13, size: 10, overwritten: 3, oldest: 3 },
    { name: 'wrapped many times', capacity: 3, appended: 1000, size: 3, overwritten: 997, oldest: 997 },
  ];
  for (const c of cases) {
    it(`counts ${c.name}`, () => {
      const ring = new RingStore({ capacity: c.capacity });
      for (let i = 0; i < c.appended; i++) ring.append(flowAt(base + i * 1000, { pod: `p${i}` }));
      const s = ring.stats();
      expect(s).toMatchObject({
        size: c.size,
        overwritten: c.overwritten,
        oldestSeq: c.oldest,
        nextSeq: c.appended,
        seen: c.appended,
      });
      const seqs = [...readRing(ring)].map((it) => (it.kind === 'flow' ? it.seq : -1));
      expect(seqs).toEqual(Array.from({ length: c.size }, (_, k) => c.oldest + k));
      // The held flows are the newest ones, intact.
      expect(ring.get(c.appended - 1)!.flow!.source!.pod_name).toBe(`p${c.appended - 1}`);
      expect(ring.get(c.oldest - 1)).toBeUndefined();
    });
  }

  it('frees the fragments of overwritten flows', () => {
    const ring = new RingStore({ capacity: 50 });
    for (let i = 0; i < 50; i++) {
      const ev = flowAt(base + i, { pod: `unique-${i}` });
      ring.append({ ...ev, flow: { ...ev.flow, Summary: `summary ${i}` } });
    }
    const full = ring.stats().fragments;
    for (let i = 0; i < 500; i++) {
      const ev = flowAt(base + i, { pod: 'same' });
      ring.append({ ...ev, flow: { ...ev.flow, Summary: 'same' } });
    }
    // 50 unique source endpoints and summaries are gone; what is left is one source, one
    // destination, one rest and one summary.
    expect(full).toBeGreaterThanOrEqual(102);
    expect(ring.stats().fragments).toBe(4);
    expect(ring.interner.summaries.size).toBe(1);
    expect(ring.get(549)!.flow!.Summary).toBe('same');
  });

  it('continues numbering from firstSeq', () => {
    const ring = new RingStore({ capacity: 4, firstSeq: 1000 });
    ring.appendBatch(goldenEvents().slice(0, 6));
    expect(ring.stats()).toMatchObject({ oldestSeq: 1002, nextSeq: 1006, seen: 6, overwritten: 2 });
    expect(ring.get(1005)).toStrictEqual(goldenEvents()[5]);
  });
});

describe('RingStore lost-event accounting', () => {
  it('tells a reader overtaken by writers how many events it missed, then resumes', () => {
    const ring = new RingStore({ capacity: 5 });
    for (let i = 0; i < 5; i++) ring.append(flowAt(base + i * 1000));
    const it = readRing(ring);
    const first = it.next().value as ReadItem;
    expect(first).toMatchObject({ kind: 'flow', seq: 0 });
    // While the reader waits, 8 more flows arrive: seqs 1..7 are overwritten before it reads them.
    for (let i = 5; i < 13; i++) ring.append(flowAt(base + i * 1000));
    const lost = it.next().value as ReadItem;
    expect(lost.kind).toBe('lost');
    // It would have read seqs 1..4 (a non-follow reader stops at the end it saw at start).
    expect(lost.kind === 'lost' && lost.count).toBe(4);
    expect(lost.event.lost_events).toMatchObject({ source: 'HUBBLE_RING_BUFFER', num_events_lost: '4' });
    expect([...it]).toEqual([]);
  });
});

describe('RingStore with endpoints shared by the flow-line parser', () => {
  it('keeps the shared object as the fragment and reads back equal events', async () => {
    const { FlowLineParser, encodeEvent, isSharedEndpoint } = await import('../flow/index.js');
    const parser = new FlowLineParser();
    const lines = goldenEvents()
      .filter((e) => e.flow?.source)
      .slice(0, 50)
      .map((e) => encodeEvent(e));
    const ring = new RingStore({ capacity: 1000 });
    const events = [...lines, ...lines].map((l) => parser.parse(l) as import('../flow/types.js').FlowEvent);
    const shared = events.filter((e) => isSharedEndpoint(e.flow!.source));
    expect(shared.length).toBeGreaterThan(40);
    ring.appendBatch(events);
    const ids = new Set<number>();
    for (const e of shared) {
      const before = ring.stats().fragments;
      ring.append(e);
      ids.add(ring.interner.ids.src);
      expect(ring.stats().fragments).toBe(before); // found, not added
      expect(ring.interner.endpoints.get(ring.interner.ids.src)!.obj).toBe(e.flow!.source);
    }
    const back = [...readRing(ring, { first: true, number: events.length })].map((r: ReadItem) => r.event);
    expect(back).toEqual(events.map((e) => JSON.parse(encodeEvent(e))));
  });
  it("finds the simulator's flows' fragments by key, serialising only new ones", () => {
    // The simulator's objects keep unused fields as undefined; they must still match their
    // fragments (before stop 14 every one paid a JSON.stringify to be found by its text).
    const ring = new RingStore({ capacity: 50_000 });
    const events: FlowEvent[] = [];
    for (const ev of simulate(loadScenario('healthy'), { seed: 3, durationMs: 20_000 })) events.push(ev);
    expect(events.length).toBeGreaterThan(5_000);
    ring.appendBatch(events);
    const it = ring.interner;
    for (const t of [it.endpoints, it.l7s, it.rests]) expect(t.counts.serialised).toBe(t.counts.created);
    expect(it.rests.size).toBeLessThan(events.length / 5);
    // The simulator's endpoints are shared canonical objects: the ring keeps each as its
    // fragment and finds it by identity (no comparison of labels per flow).
    for (const ev of events.slice(0, 500))
      for (const ep of [ev.flow!.source, ev.flow!.destination]) {
        if (!ep) continue;
        expect(isSharedEndpoint(ep)).toBe(true);
        ring.append(ev);
        expect([it.endpoints.get(it.ids.src)!.obj, it.endpoints.get(it.ids.dst)!.obj]).toContain(ep);
      }
    for (let i = 0; i < events.length; i += 97)
      expect(JSON.parse(JSON.stringify(ring.get(i)))).toStrictEqual(JSON.parse(JSON.stringify(events[i])));
  });
});
