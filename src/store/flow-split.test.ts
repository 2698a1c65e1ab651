import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../flow/types.js';
import { RingStore } from './ring-store.js';
import { F_FLOW, F_FLOW_TIME, F_L7_VARS, F_LATENCY, F_PORTS, F_SUMMARY, F_UUID } from './flow-split.js';
import { FlowBatchBuilder, storeForm } from './batch.js';
import { goldenEvents } from './testing.js';
import { formatUuid, parseUuid } from './uuid.js';

const T = '2026-11-20T08:00:00.123456789Z';

function http(headers: [string, string][]): { headers: { key: string; value: string }[] } {
  return { headers: headers.map(([key, value]) => ({ key, value })) };
}

/** Round-trips one event through the ring and returns it with the slot's flags. */
function roundTrip(ev: FlowEvent): { back: FlowEvent | undefined; flags: number } {
  const ring = new RingStore({ capacity: 4 });
  const seq = ring.append(ev);
  return { back: ring.get(seq), flags: ring.cols.flags[ring.slot(seq)] };
}

describe('flow split/join', () => {
  it('round-trips every golden event exactly', () => {
    const ring = new RingStore({ capacity: 512 });
    const events = goldenEvents();
    ring.appendBatch(events);
    for (let i = 0; i < events.length; i++) expect(ring.get(i)).toStrictEqual(events[i]);
  });

  const cases: { name: string; ev: FlowEvent; flags?: number; noFlags?: number }[] = [
    {
      name: 'canonical flow: time, uuid, ports and latency go to columns',
      ev: {
        flow: {
          time: T,
          uuid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
          l4: { TCP: { source_port: 1234, destination_port: 53, flags: { SYN: true } } },
          l7: { type: 'RESPONSE', latency_ns: '4294967295', dns: { query: 'a.b.', rcode: 3 } },
        },
        time: T,
      },
      flags: F_FLOW | F_FLOW_TIME | F_UUID | F_PORTS | F_LATENCY,
    },
    {
      name: 'upper-case uuid stays in the fragment',
      ev: { flow: { time: T, uuid: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D' } },
      noFlags: F_UUID,
    },
    {
      name: 'nil uuid stays in the fragment',
      ev: { flow: { time: T, uuid: '00000000-0000-0000-0000-000000000000' } },
      noFlags: F_UUID,
    },
    {
      name: 'latency of 2^32 ns stays in the fragment',
      ev: { flow: { time: T, l7: { latency_ns: '4294967296' } } },
      noFlags: F_LATENCY,
    },
    { name: 'wrapper time differs from flow time', ev: { flow: { time: T }, time: '2026-11-20T08:00:01Z' } },
    {
      name: 'flow without time, wrapper with time',
      ev: { flow: { verdict: 'DROPPED' }, time: T },
      noFlags: F_FLOW_TIME,
    },
    {
      name: 'pre-1970 time stays in the fragment',
      ev: { flow: { time: '1969-12-31T23:59:59Z' } },
      noFlags: F_FLOW_TIME,
    },
    {
      name: 'only a destination port',
      ev: { flow: { time: T, l4: { UDP: { destination_port: 53 } } } },
      flags: F_PORTS,
    },
    {
      name: 'SCTP ports',
      ev: { flow: { time: T, l4: { SCTP: { source_port: 5, destination_port: 6, chunk_type: 'INIT' } } } },
      flags: F_PORTS,
    },
    { name: 'ICMP has no ports', ev: { flow: { time: T, l4: { ICMPv4: { type: 8 } } } }, noFlags: F_PORTS },
    {
      name: 'lost-events record',
      ev: { lost_events: { source: 'PERF_EVENT_RING_BUFFER', num_events_lost: '7', cpu: 1 }, time: T },
      noFlags: F_FLOW,
    },
    {
      name: 'node-status record without time',
      ev: { node_status: { state_change: 'NODE_CONNECTED', node_names: ['a'] }, node_name: 'relay' },
    },
    { name: 'empty event', ev: {} },
    {
      name: 'a request id goes to the slot',
      ev: {
        flow: { time: T, l7: { type: 'REQUEST', latency_ns: '5', http: http([['x-request-id', 'r1']]) } },
      },
      flags: F_L7_VARS | F_LATENCY,
    },
    {
      name: 'several per-request headers, in order, among others',
      ev: {
        flow: {
          time: T,
          l7: {
            http: http([
              [':authority', 'a'],
              ['traceparent', '00-1-2-01'],
              ['user-agent', 'curl'],
              ['x-request-id', 'r2'],
              ['traceparent', 'second'],
            ]),
          },
        },
      },
      flags: F_L7_VARS,
    },
    {
      name: 'a per-request header without a value keeps the record whole',
      ev: {
        flow: { time: T, l7: { http: { headers: [{ key: 'x-request-id', value: 'r' }, { key: 'b3' }] } } },
      },
      noFlags: F_L7_VARS,
    },
    {
      name: 'an empty per-request value keeps the record whole',
      ev: { flow: { time: T, l7: { http: http([['x-request-id', '']]) } } },
      noFlags: F_L7_VARS,
    },
    {
      name: 'a header with more members than key and value',
      ev: {
        flow: {
          time: T,
          l7: { http: { headers: [{ key: 'x-request-id', value: 'r3', extra: 1 } as never], url: 'u' } },
        },
      },
      flags: F_L7_VARS,
    },
    {
      name: 'a Kafka correlation id goes to the slot',
      ev: {
        flow: {
          time: T,
          l7: {
            type: 'RESPONSE',
            kafka: { error_code: 3, api_version: 2, api_key: 'produce', correlation_id: 991, topic: 't' },
          },
        },
      },
      flags: F_L7_VARS,
    },
    {
      name: 'a Kafka correlation id that is not an integer stays in the fragment',
      ev: { flow: { time: T, l7: { kafka: { correlation_id: 1.5, topic: 't' } } } },
      noFlags: F_L7_VARS,
    },
    {
      name: 'a correlation id of 0 (not canonical) round-trips',
      ev: { flow: { time: T, l7: { kafka: { correlation_id: 0, topic: 't' } } } },
      flags: F_L7_VARS,
    },
    {
      name: 'HTTP and Kafka in one record: the headers go to the slot, Kafka stays whole',
      ev: {
        flow: {
          time: T,
          l7: { http: http([['x-request-id', 'r9']]), kafka: { correlation_id: 5, topic: 't' } },
        },
      },
      flags: F_L7_VARS,
    },
    {
      name: 'a summary goes to the summary column',
      ev: { flow: { time: T, IP: { source: 'a', destination: 'b' }, Summary: 'TCP Flags: SYN' } },
      flags: F_SUMMARY,
    },
    { name: 'an empty summary', ev: { flow: { time: T, Summary: '' } }, flags: F_SUMMARY },
    {
      name: 'a summary that is not a string stays in the fragment',
      ev: { flow: { time: T, Summary: 7 as never } },
      noFlags: F_SUMMARY,
    },
    {
      name: 'other headers only',
      ev: { flow: { time: T, l7: { http: http([['X-Request-Id', 'not lower case']]) } } },
      noFlags: F_L7_VARS,
    },
  ];
  for (const c of cases) {
    it(`round-trips: ${c.name}`, () => {
      const { back, flags } = roundTrip(c.ev);
      expect(back).toStrictEqual(c.ev);
      if (c.flags !== undefined) expect(flags & c.flags).toBe(c.flags);
      if (c.noFlags !== undefined) expect(flags & c.noFlags).toBe(0);
    });
  }

  it('shares fragments between equal flows and keeps different ones apart', () => {
    const ring = new RingStore({ capacity: 8 });
    const a: FlowEvent = {
      flow: {
        time: T,
        source: { ID: 1, labels: ['x'] },
        l4: { TCP: { source_port: 1, destination_port: 2 } },
        Summary: 's',
      },
    };
    const b: FlowEvent = {
      flow: { ...a.flow, time: '2026-11-20T08:00:01Z', l4: { TCP: { source_port: 9, destination_port: 2 } } },
    };
    const c: FlowEvent = { flow: { ...a.flow, source: { ID: 1, labels: ['y'] } } };
    ring.appendBatch([a, b, c]);
    expect(ring.cols.rest[0]).toBe(ring.cols.rest[1]);
    expect(ring.cols.src[0]).toBe(ring.cols.src[1]);
    expect(ring.cols.src[2]).not.toBe(ring.cols.src[0]);
    expect([ring.get(0), ring.get(1), ring.get(2)]).toStrictEqual([a, b, c]);
  });

  it('keeps one L7 fragment for requests that differ only in per-request headers', () => {
    const ring = new RingStore({ capacity: 64 });
    const ev = (id: string, ua = 'curl'): FlowEvent => ({
      flow: {
        time: T,
        l7: {
          type: 'REQUEST',
          http: {
            method: 'GET',
            url: 'http://a/b',
            headers: [
              { key: 'user-agent', value: ua },
              { key: 'x-request-id', value: id },
            ],
          },
        },
      },
    });
    const events = [...Array.from({ length: 40 }, (_, i) => ev(`id-${i}`)), ev('id-x', 'wget')];
    // A template with "" in place of the id, appended before: equal to the template, so it shares
    // it, and reads back with its own "" (it has no slot values).
    const literal = ev('');
    ring.appendBatch([literal, ...events]);
    expect(ring.interner.l7s.size).toBe(2);
    expect(ring.cols.l7[1]).toBe(ring.cols.l7[0]);
    expect(ring.cols.l7[41]).not.toBe(ring.cols.l7[1]);
    expect(ring.get(0)).toStrictEqual(literal);
    for (let i = 0; i < events.length; i++) expect(ring.get(i + 1)).toStrictEqual(events[i]);
    expect(ring.interner.l7s.jsonChars).toBeLessThan(300);
  });

  it('keeps one L7 fragment for Kafka requests that differ only in their correlation id', () => {
    const ring = new RingStore({ capacity: 64 });
    const ev = (c: number, topic = 'orders'): FlowEvent => ({
      flow: { time: T, l7: { type: 'REQUEST', kafka: { api_key: 'produce', correlation_id: c, topic } } },
    });
    const events = [...Array.from({ length: 30 }, (_, i) => ev(i + 1)), ev(99, 'payments')];
    ring.appendBatch(events);
    expect(ring.interner.l7s.size).toBe(2);
    for (let i = 0; i < events.length; i++) expect(ring.get(i)).toStrictEqual(events[i]);
    const builder = new FlowBatchBuilder(4);
    builder.add(ring.appendOne(ev(7)), ring.interner);
    builder.add(ring.appendOne(ev(8)), ring.interner);
    const b = builder.take()!;
    storeForm(b);
    expect(b.l7s.map((j) => JSON.parse(j) as unknown)).toStrictEqual([ev(7).flow!.l7, ev(8).flow!.l7]);
  });

  it('gives the persistent store whole L7 records, without the ring-only flag', () => {
    const ring = new RingStore({ capacity: 8 });
    const builder = new FlowBatchBuilder(8);
    const mk = (id: string, ua = 'c'): FlowEvent => ({
      flow: {
        time: T,
        l7: {
          latency_ns: '7',
          http: http([
            ['x-request-id', id],
            ['user-agent', ua],
          ]),
        },
      },
    });
    const plain: FlowEvent = { flow: { time: T, l7: { http: { url: 'u' } } } };
    for (const ev of [mk('a'), plain, mk('b'), mk('c', 'd'), plain])
      builder.add(ring.appendOne(ev), ring.interner);
    const b = builder.take()!;
    // In transit: the ring's templates and the values, flagged.
    expect(b.l7s).toHaveLength(3);
    expect(b.flags[0] & F_L7_VARS).toBe(F_L7_VARS);
    expect(b.l7vars?.slice(0, 5)).toStrictEqual(['a', undefined, 'b', 'c', undefined]);
    storeForm(b);
    expect(b.l7vars).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(b.flags[i] & F_L7_VARS).toBe(0);
    expect(b.flags[0] & F_LATENCY).toBe(F_LATENCY);
    const whole = (id: string, ua = 'c') => ({
      http: http([
        ['x-request-id', id],
        ['user-agent', ua],
      ]),
    });
    // Templates no row uses any more are gone; the plain record is kept once.
    expect(b.l7s.map((j) => JSON.parse(j) as unknown)).toStrictEqual([
      whole('a'),
      { http: { url: 'u' } },
      whole('b'),
      whole('c', 'd'),
    ]);
    expect(Array.from(b.l7.subarray(0, 5))).toStrictEqual([1, 2, 3, 4, 2]);
    storeForm(b);
    expect(b.l7s).toHaveLength(4);
  });

  it('keeps one rest fragment for flows that differ only in their summary', () => {
    const ring = new RingStore({ capacity: 16 });
    const mk = (summary: string | undefined, reply = false): FlowEvent => ({
      flow: {
        time: T,
        verdict: 'FORWARDED',
        IP: { source: '10.0.0.1', destination: '10.0.0.2' },
        is_reply: reply,
        Type: 'L7',
        Summary: summary,
      },
    });
    const events = [
      mk('HTTP/1.1 200 7ms (GET http://a/)'),
      mk('HTTP/1.1 200 9ms (GET http://a/)'),
      mk(undefined),
    ];
    events.push(mk('HTTP/1.1 200 7ms (GET http://a/)', true));
    ring.appendBatch(
      events.map((e) => (e.flow!.Summary === undefined ? { flow: { ...e.flow, Summary: undefined } } : e)),
    );
    expect(ring.cols.rest[1]).toBe(ring.cols.rest[0]);
    expect(ring.cols.rest[2]).toBe(ring.cols.rest[0]);
    expect(ring.cols.rest[3]).not.toBe(ring.cols.rest[0]);
    expect(ring.cols.summary[3]).toBe(ring.cols.summary[0]);
    expect(ring.interner.summaries.size).toBe(2);
    for (let i = 0; i < events.length; i++) {
      const back = ring.get(i)!;
      expect(back.flow!.Summary).toBe(events[i].flow!.Summary);
      expect(JSON.parse(JSON.stringify(back))).toStrictEqual(JSON.parse(JSON.stringify(events[i])));
    }
  });

  it('gives the persistent store rest fragments with their summaries', () => {
    const ring = new RingStore({ capacity: 8 });
    const builder = new FlowBatchBuilder(8);
    const mk = (summary: string, node = 'n'): FlowEvent => ({
      flow: { time: T, node_name: node, IP: { source: 'a', destination: 'b' }, Summary: summary },
    });
    const first: FlowEvent = { node_name: 'w', flow: { time: T, Summary: 'z' } };
    const empty: FlowEvent = { flow: { time: T, Summary: 'e' } };
    const events = [
      mk('x'),
      mk('y'),
      mk('x'),
      { flow: { time: T, node_name: 'n' } },
      mk('x', 'other'),
      first,
      empty,
    ];
    for (const ev of events) builder.add(ring.appendOne(ev), ring.interner);
    const b = builder.take()!;
    expect(b.rests).toHaveLength(5);
    // Each summary once in the batch, by id.
    expect(b.summaryTexts).toStrictEqual(['x', 'y', 'z', 'e']);
    expect(Array.from(b.summary!.subarray(0, 7))).toStrictEqual([1, 2, 1, 0, 1, 3, 4]);
    storeForm(b);
    expect(b.summary).toBeUndefined();
    expect(b.summaryTexts).toBeUndefined();
    for (let i = 0; i < 7; i++) expect(b.flags[i] & F_SUMMARY).toBe(0);
    // The wrapper's other members before the flow (parsed and serialised again), and an
    // otherwise empty flow object.
    expect(JSON.parse(b.rests[b.rest[5] - 1])).toStrictEqual({ node_name: 'w', flow: { Summary: 'z' } });
    expect(b.rests[b.rest[6] - 1]).toBe('{"flow":{"Summary":"e"}}');
    // One fragment per distinct (rest, summary) pair; the summary-less templates are gone.
    expect(b.rests.slice(0, 4).map((j) => JSON.parse(j) as unknown)).toStrictEqual([
      { flow: { node_name: 'n', IP: { source: 'a', destination: 'b' }, Summary: 'x' } },
      { flow: { node_name: 'n', IP: { source: 'a', destination: 'b' }, Summary: 'y' } },
      { flow: { node_name: 'n' } },
      { flow: { node_name: 'other', IP: { source: 'a', destination: 'b' }, Summary: 'x' } },
    ]);
    expect(b.rests).toHaveLength(6);
    expect(Array.from(b.rest.subarray(0, 5))).toStrictEqual([1, 2, 1, 3, 4]);
  });

  it('hands out frozen shared parts', () => {
    const ring = new RingStore({ capacity: 2 });
    ring.append({ flow: { time: T, source: { ID: 1, labels: ['x'] } } });
    const ev = ring.get(0)!;
    expect(Object.isFrozen(ev.flow!.source)).toBe(true);
    expect(() => ev.flow!.source!.labels!.push('z')).toThrow();
  });
});

describe('uuid', () => {
  const cases = [
    { s: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', ok: true },
    { s: 'ffffffff-ffff-ffff-ffff-ffffffffffff', ok: true },
    { s: '0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d', ok: false },
    { s: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g', ok: false },
    { s: '0a1b2c3d_4e5f-4a6b-8c7d-9e0f1a2b3c4d', ok: false },
  ];
  for (const c of cases) {
    it(`parseUuid(${c.s}) ${c.ok ? 'round-trips' : 'is rejected'}`, () => {
      const b = new Uint8Array(20);
      expect(parseUuid(c.s, b, 2)).toBe(c.ok);
      if (c.ok) expect(formatUuid(b, 2)).toBe(c.s);
    });
  }
  it('formats every byte value, at any offset, as the hex text of the bytes', () => {
    let seed = 11;
    const b = new Uint8Array(40);
    for (let n = 0; n < 500; n++) {
      for (let i = 0; i < b.length; i++) b[i] = (seed = (seed * 48271) % 2147483647) & 255;
      if (n < 256) b.fill(n, 3, 19); // every byte value in every position
      const hex = Buffer.from(b.subarray(3, 19)).toString('hex');
      const want = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      expect(formatUuid(b, 3)).toBe(want);
      const back = new Uint8Array(16);
      expect(parseUuid(want, back)).toBe(n !== 0);
      if (n !== 0) expect(back).toEqual(b.subarray(3, 19));
    }
  });
});
