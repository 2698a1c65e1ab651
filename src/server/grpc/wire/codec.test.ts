import { readFileSync, readdirSync } from 'node:fs';
import { create, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../../flow/index.js';
import { GetFlowsResponseSchema, GetFlowsRequestSchema } from '../../../gen/observer/observer_pb.js';
import { FlowFilterSchema } from '../../../gen/flow/flow_pb.js';
import {
  decodeEventBytes,
  decodeMessage,
  encodeMessage,
  FrameDecoder,
  frame,
  ProtoWriter,
  writeEvent,
  peekResponse,
  ProtoReader,
} from './index.js';

function load(path: string): FlowEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => decodeEvent(JSON.parse(l)));
}

const root = new URL('../../../../', import.meta.url).pathname;
const events: FlowEvent[] = [
  ...load(root + 'test/golden-hubble/input.jsonl'),
  ...readdirSync(root + 'test/fixtures/hubble')
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => load(root + 'test/fixtures/hubble/' + f)),
  decodeEvent({
    lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '18446744073709551615', cpu: 3 },
    node_name: 'n1',
    time: '2024-01-01T00:00:00.5Z',
  }),
  decodeEvent({
    node_status: { state_change: 'NODE_ERROR', node_names: ['a', 'b'], message: 'oops ünïcödé ✓' },
    time: '1969-12-31T23:59:59.999999999Z',
  }),
  decodeEvent({
    flow: {
      time: '2024-01-01T00:00:00Z',
      source: { identity: 4294967295, ID: 1 },
      is_reply: false,
      drop_reason: 133,
      drop_reason_desc: 'POLICY_DENIED',
      event_type: { type: -1 },
      l7: { latency_ns: '123456789012345678' },
    },
  }),
  // Sub-messages whose lengths need 1, 2 and 3 varint bytes.
  decodeEvent({ flow: { uuid: 'x' } }),
  decodeEvent({ flow: { Summary: 'y'.repeat(300), source: { labels: ['a'.repeat(20_000)] } } }),
];

function roundTripJson(ev: FlowEvent): FlowEvent {
  const w = new ProtoWriter(16);
  writeEvent(w, ev);
  const msg = fromBinary(GetFlowsResponseSchema, w.finish());
  return decodeEvent(toJson(GetFlowsResponseSchema, msg, { useProtoFieldName: true }));
}

describe('binary event codec', () => {
  it(`encodes ${events.length} fixture events so that protobuf-es reads them back unchanged`, () => {
    expect(events.length).toBeGreaterThan(300);
    for (const ev of events) expect(roundTripJson(ev)).toEqual(ev);
  });

  it('decodes protobuf-es toBinary output into the same in-memory events', () => {
    for (const ev of events) {
      const bytes = toBinary(GetFlowsResponseSchema, fromJson(GetFlowsResponseSchema, ev as never));
      expect(decodeEventBytes(bytes)).toEqual(ev);
    }
  });

  it('encodes shared frozen sub-objects correctly in every field they appear in', () => {
    const ep = Object.freeze({ namespace: 'shop', pod_name: 'a', labels: Object.freeze(['k8s:app=a']) });
    const ev = {
      flow: { uuid: 'f', source: ep, destination: ep },
      time: '2024-01-01T00:00:00Z',
    } as FlowEvent;
    for (let i = 0; i < 3; i++)
      expect(roundTripJson(ev)).toEqual(decodeEvent(JSON.parse(JSON.stringify(ev))));
  });

  it('peeks kind, node name and time without decoding the payload', () => {
    const w = new ProtoWriter();
    writeEvent(w, events[0]);
    const p = peekResponse(w.finish());
    expect(p.kind).toBe('flow');
    expect(p.nodeName).toBe(events[0].node_name);
    expect(new Date(p.seconds * 1000 + p.nanos / 1e6).toISOString().slice(0, 19)).toBe(
      events[0].time!.slice(0, 19),
    );
    const lost = events.find((e) => e.lost_events)!;
    w.reset();
    writeEvent(w, lost);
    expect(peekResponse(w.finish()).kind).toBe('lost_events');
  });

  it('encodes requests with filters, field masks and the experimental field mask', () => {
    const req = {
      number: '20',
      follow: true,
      whitelist: [
        { source_pod: ['shop/'], verdict: ['DROPPED'], tcp_flags: [{ SYN: true }], source_port: ['80'] },
      ],
      blacklist: [{ event_type: [{ type: 129, match_sub_type: true }] }],
      since: '2024-05-01T12:00:00.123Z',
      field_mask: 'time,source.namespace,l4.TCP',
      experimental: { field_mask: 'IP.source' },
    };
    const bytes = encodeMessage(GetFlowsRequestSchema, req);
    const m = fromBinary(GetFlowsRequestSchema, bytes);
    expect(m.number).toBe(20n);
    expect(m.follow).toBe(true);
    expect(m.whitelist[0].sourcePod).toEqual(['shop/']);
    expect(m.whitelist[0].verdict).toEqual([2]);
    expect(m.fieldMask?.paths).toEqual(['time', 'source.namespace', 'l4.TCP']);
    expect(m.experimental?.fieldMask?.paths).toEqual(['IP.source']);
    expect(decodeMessage(GetFlowsRequestSchema, bytes)).toEqual(req);
    const f = toBinary(
      FlowFilterSchema,
      fromJson(FlowFilterSchema, { reply: [true, false], source_identity: [1, 2] }),
    );
    expect(decodeMessage(FlowFilterSchema, f)).toEqual({ reply: [true, false], source_identity: [1, 2] });
  });
});

describe('gRPC framing', () => {
  it('reassembles messages split at every byte boundary', () => {
    const msgs = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const stream = Buffer.concat(msgs.map(frame));
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder(1024);
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got.map((m) => [...m])).toEqual(msgs.map((m) => [...m]));
    }
  });

  it('rejects a message larger than the limit before buffering it', () => {
    const d = new FrameDecoder(10);
    expect(() => d.push(frame(new Uint8Array(11)).subarray(0, 5))).toThrow(/larger than max/);
  });
});

describe('decoded endpoints are shared', () => {
  it('decodes byte-identical canonical endpoints to one frozen object, equal to a fresh decode', async () => {
    const { clearEndpointCache, endpointCacheStats } = await import('./endpoint-cache.js');
    const { isSharedEndpoint } = await import('../../../flow/index.js');
    clearEndpointCache();
    const w = new ProtoWriter(4096);
    const bytes = events.map((ev) => {
      w.reset();
      writeEvent(w, ev);
      return w.finish().slice();
    });
    // Admissions are rate-limited: a few passes let every endpoint in.
    for (let k = 0; k < 4; k++) bytes.forEach((b) => decodeEventBytes(b));
    const first = bytes.map((b) => decodeEventBytes(b));
    const second = bytes.map((b) => decodeEventBytes(b));
    expect(second).toEqual(first);
    let shared = 0;
    for (let i = 0; i < bytes.length; i++) {
      const a = first[i]!.flow?.source;
      const b = second[i]!.flow?.source;
      if (a && isSharedEndpoint(b)) {
        shared++;
        expect(b).toBe(a); // the same object
        expect(Object.isFrozen(b)).toBe(true);
        // and the same value protobuf-es decodes
        const ref = toJson(GetFlowsResponseSchema, fromBinary(GetFlowsResponseSchema, bytes[i]!), {
          useProtoFieldName: true,
        }) as { flow: { source: unknown } };
        expect(b).toEqual(ref.flow.source);
      }
    }
    expect(shared).toBeGreaterThan(100);
    expect(endpointCacheStats.hits).toBeGreaterThan(shared);
  });

  it('tells apart endpoints whose first bytes are equal, and keeps its own copy of the bytes', async () => {
    const { clearEndpointCache, endpointCacheStats } = await import('./endpoint-cache.js');
    clearEndpointCache();
    // Same ID, identity, namespace and a long first label: the messages share far more than the
    // cache key's prefix and differ only in the pod name at the end.
    const ev = (pod: string) =>
      decodeEvent({
        flow: {
          verdict: 'FORWARDED',
          source: {
            ID: 7,
            identity: 1234,
            namespace: 'shop',
            labels: ['k8s:app=checkout-with-a-label-long-enough-to-fill-the-key', 'k8s:tier=web'],
            pod_name: pod,
          },
        },
      });
    const pods = Array.from({ length: 12 }, (_, i) => `checkout-${String(i).padStart(2, '0')}`);
    const bytes = pods.map((p) => Buffer.from(encodeMessage(GetFlowsResponseSchema, ev(p))));
    const admitted0 = endpointCacheStats.admitted;
    for (let k = 0; k < 3; k++) bytes.forEach((b) => decodeEventBytes(b));
    // At most 8 entries share a key: the rest are decoded every time.
    expect(endpointCacheStats.admitted - admitted0).toBe(8);
    const hits0 = endpointCacheStats.hits;
    const got = bytes.map((b) => decodeEventBytes(b).flow!.source!.pod_name);
    expect(got).toEqual(pods);
    expect(endpointCacheStats.hits - hits0).toBe(8);
    // A transport reuses its buffers: overwriting the bytes a cached endpoint came from must
    // neither change it nor make the new bytes pass for it.
    const b0 = bytes[0]!;
    const cached = decodeEventBytes(Buffer.from(b0)).flow!.source;
    const at = b0.indexOf('checkout-00');
    b0.write('checkout-99', at, 'latin1');
    expect(decodeEventBytes(b0).flow!.source!.pod_name).toBe('checkout-99');
    expect(decodeEventBytes(Buffer.from(bytes[1]!)).flow!.source!.pod_name).toBe('checkout-01');
    b0.write('checkout-00', at, 'latin1');
    expect(decodeEventBytes(b0).flow!.source).toBe(cached);
    expect(cached!.pod_name).toBe('checkout-00');
  });

  it('does not share endpoints that are not canonical', async () => {
    const { clearEndpointCache } = await import('./endpoint-cache.js');
    clearEndpointCache();
    const ev = decodeEvent({ flow: { source: { pod_name: 'p', cluster_name: 'c1' }, verdict: 'FORWARDED' } });
    const b = encodeMessage(GetFlowsResponseSchema, ev);
    const [x, y] = [decodeEventBytes(b), decodeEventBytes(b)];
    expect(x.flow!.source).toEqual({ pod_name: 'p', cluster_name: 'c1' });
    expect(y.flow!.source).not.toBe(x.flow!.source);
    expect(Object.isFrozen(y.flow!.source)).toBe(false);
  });
});

describe('decoded messages are plain objects', () => {
  it('have Object.prototype and Object as constructor, at every level', () => {
    const w = new ProtoWriter(4096);
    const check = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      if (!Array.isArray(v)) {
        expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
        expect((v as { constructor: unknown }).constructor).toBe(Object);
      }
      for (const x of Object.values(v)) check(x);
    };
    for (const ev of events.slice(0, 50)) {
      w.reset();
      writeEvent(w, ev);
      const d = decodeEventBytes(w.finish());
      check(d);
      expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    }
  });
});

describe('ProtoReader.string', () => {
  // Every length around the reader's paths (concatenation up to 8 bytes, a Latin-1 copy of
  // ASCII, TextDecoder otherwise), with a non-ASCII character at the start, middle and end.
  const texts: string[] = [];
  for (const n of [0, 1, 7, 8, 9, 12, 13, 36, 200, 1023, 1024, 1500]) {
    const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7) % 95))).join('');
    texts.push(ascii);
    if (n > 0) {
      const mid = n >> 1;
      texts.push(
        'é' + ascii.slice(1),
        ascii.slice(0, mid) + '✓' + ascii.slice(mid + 1),
        ascii.slice(0, -1) + '😀',
      );
    }
  }
  texts.push('\u0000\u007f', 'a\u0080b', 'x'.repeat(9) + '\u00ff');
  it(`decodes ${texts.length} strings exactly as protobuf-es wrote them`, () => {
    for (const t of texts) {
      const bytes = toBinary(FlowFilterSchema, create(FlowFilterSchema, { sourcePod: [t] }));
      const r = new ProtoReader(bytes);
      expect(r.uint32() >>> 3).toBe(2);
      const s = r.string();
      expect(s).toBe(t);
      expect(r.more()).toBe(false);
    }
  });
  it('replaces invalid UTF-8 as TextDecoder does', () => {
    const bad = Uint8Array.from([
      0x0a, 12, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xff, 0x6a, 0x6b,
    ]);
    const r = new ProtoReader(bad);
    r.uint32();
    expect(r.string()).toBe(new TextDecoder().decode(bad.subarray(2)));
  });
});
