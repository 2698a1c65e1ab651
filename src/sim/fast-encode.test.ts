/**
 * The simulator's JSON-lines writer against the canonical encoder: line templates, strings that
 * need escaping, and events it must hand to encodeEvent.
 */
import { describe, expect, it } from 'vitest';
import { encodeEvent, type Endpoint, type Flow, type FlowEvent, type Layer7 } from '../flow/index.js';
import { ByteWriter } from './byte-writer.js';
import { encodeSimEvent, ipRecordWithLines, writeSimEvent } from './fast-encode.js';
import { Prng } from './prng.js';

const T = '2025-06-02T09:00:00.073428010Z';
const SRC: Endpoint = Object.freeze({ ID: 12, identity: 4711, namespace: 'shop', pod_name: 'web-1' });
const DST: Endpoint = Object.freeze({ identity: 2, labels: Object.freeze(['reserved:world']) as string[] });
const SYN = Object.freeze({ SYN: true });
const ACK = Object.freeze({ ACK: true });
const ETH = Object.freeze({ source: '0a:00:00:00:00:01', destination: '0a:00:00:00:00:02' });
const EV4 = Object.freeze({ type: 4 });
const EV4_3 = Object.freeze({ type: 4, sub_type: 3 });

/** A trace-like event between the addresses of `ip`, the way FlowFactory shapes them. */
function flow(ip: Flow['IP'], over: Partial<Flow> = {}, wrapper: Partial<FlowEvent> = {}): FlowEvent {
  const f: Flow = {
    time: T,
    uuid: '0f1e2d3c-4b5a-4697-8877-665544332211',
    verdict: 'FORWARDED',
    drop_reason: undefined,
    ethernet: ETH,
    IP: ip,
    l4: { TCP: { source_port: 40000, destination_port: 8080, flags: SYN } },
    source: SRC,
    destination: DST,
    Type: 'L3_L4',
    node_name: 'kind-worker',
    source_names: undefined,
    destination_names: undefined,
    l7: undefined,
    reply: undefined,
    event_type: EV4_3,
    source_service: undefined,
    destination_service: undefined,
    traffic_direction: 'EGRESS',
    policy_match_type: undefined,
    trace_observation_point: 'TO_STACK',
    drop_reason_desc: undefined,
    is_reply: false,
    Summary: 'TCP Flags: SYN',
    ...over,
  };
  return { flow: f, node_name: 'kind-worker', time: f.time, ...wrapper };
}

/** Strings mixing plain text with every kind of character quoteJson treats specially. */
function randomString(r: Prng): string {
  const special = ['"', '\\', '<', '>', '&', '\n', '\t', '\r', '\b', '\f', '\u0000', '\u001f', '\u007f'];
  const other = ['é', '日本', '\u2028', '\u2029', '😀', '\ud800', '/', "'", ' '];
  let s = '';
  const n = r.int(3) === 0 ? r.int(6) : r.int(60);
  for (let i = 0; i < n; i++) {
    const k = r.next();
    s += k < 0.75 ? 'abcXYZ019-._:'[r.int(13)] : k < 0.93 ? r.pick(special) : r.pick(other);
  }
  return s;
}

function randomL7(r: Prng): Layer7 {
  const s = () => randomString(r);
  const maybe = <V>(v: V): V | undefined => (r.chance(0.8) ? v : undefined);
  const type = r.pick(['REQUEST', 'RESPONSE', 'SAMPLE'] as const);
  const latency_ns = maybe(String(r.int(1e9)));
  switch (r.int(3)) {
    case 0:
      return {
        type,
        latency_ns,
        dns: {
          query: maybe(s()),
          ips: maybe([s(), s()]),
          ttl: maybe(r.int(5000)),
          cnames: maybe([s()]),
          observation_source: maybe(s()),
          rcode: maybe(r.int(6)),
          qtypes: maybe([s()]),
          rrtypes: maybe([s(), s()]),
        },
      };
    case 1:
      return {
        type,
        latency_ns,
        http: {
          code: maybe(r.pick([200, 404, 503])),
          method: maybe(s()),
          url: maybe('http://web/' + s()),
          protocol: maybe(s()),
          headers: maybe([
            { key: maybe(s()), value: maybe(s()) },
            { key: 'x-request-id', value: s() },
          ]),
        },
      };
    default:
      return {
        type,
        latency_ns,
        kafka: {
          error_code: maybe(r.int(40) - 5),
          api_version: maybe(r.int(12)),
          api_key: maybe(s()),
          correlation_id: maybe(r.int(100000)),
          topic: maybe(s()),
        },
      };
  }
}

/** The bytes writeSimEvent writes for `ev`. */
function bytesOf(ev: FlowEvent): Buffer {
  const w = new ByteWriter(64);
  writeSimEvent(ev, w);
  return w.take();
}

describe('encodeSimEvent', () => {
  // Compared as UTF-8 bytes: a lone surrogate in a string becomes U+FFFD on the way.
  it('writes L7 records and Summaries with any characters as encodeEvent does', () => {
    const r = new Prng('l7-strings');
    const ip = ipRecordWithLines('10.244.1.5', '10.96.0.10');
    const plainIp = Object.freeze({
      source: '10.244.1.5',
      destination: '10.96.0.10',
      ipVersion: 'IPv4' as const,
    });
    const problems: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const l7 = randomL7(r);
      for (const rec of [ip, plainIp]) {
        const ev = flow(rec, {
          l4: { UDP: { source_port: 40000 + i, destination_port: 53 } },
          Type: 'L7',
          event_type: Object.freeze({ type: 129 }),
          l7,
          Summary: r.chance(0.9) ? randomString(r) : undefined,
        });
        const want = encodeEvent(ev);
        if (!bytesOf(ev).equals(Buffer.from(want))) problems.push(want);
      }
      if (problems.length > 3) break;
    }
    expect(problems).toEqual([]);
  });

  it('gives a flow that differs from a template in any field its own line', () => {
    const ip = ipRecordWithLines('10.244.1.5', '192.0.2.10');
    const variants: Array<[Partial<Flow>, Partial<FlowEvent>?]> = [
      [{}],
      [{ l4: { TCP: { source_port: 40001, destination_port: 443, flags: ACK } } }],
      [{ l4: { TCP: { source_port: 40001, destination_port: 443 } } }],
      [{ l4: { UDP: { source_port: 40001, destination_port: 443 } } }],
      [{ l4: { UDP: { source_port: 40001, destination_port: 443 } }, Summary: 'UDP' }],
      [{ l4: { TCP: { source_port: 0, destination_port: 443, flags: SYN } } }],
      [{ l4: { TCP: { source_port: 40001.5, destination_port: 443, flags: SYN } } }],
      [{ l4: { TCP: { source_port: 40001, destination_port: 443, flags: SYN }, ICMPv4: { type: 8 } } }],
      [{ verdict: 'DROPPED', drop_reason: 133, drop_reason_desc: 'POLICY_DENIED', is_reply: undefined }],
      [{ verdict: 'DROPPED' }],
      [{ drop_reason: 133 }],
      [{ drop_reason_desc: 'POLICY_DENIED' }],
      [{ drop_reason_desc: 181 }],
      [{ ethernet: Object.freeze({ source: '0a:00:00:00:00:09', destination: '0a:00:00:00:00:02' }) }],
      [{ ethernet: undefined }],
      [{ source: DST, destination: SRC }],
      [{ destination: SRC }],
      [{ source: Object.freeze({ ...SRC, ID: undefined }) }],
      [{ Type: 'L7' }],
      [{ node_name: 'kind-worker2' }],
      [{ source_names: Object.freeze(['api.example.com']) as string[] }],
      [{ destination_names: Object.freeze(['api.example.com']) as string[] }],
      [{ reply: true, is_reply: true }],
      [{ reply: true }],
      [{ is_reply: true }],
      [{ event_type: EV4, trace_observation_point: 'TO_ENDPOINT', traffic_direction: 'INGRESS' }],
      [{ event_type: EV4 }],
      [{ trace_observation_point: 'TO_ENDPOINT' }],
      [{ traffic_direction: 'INGRESS' }],
      [{ l7: { type: 'REQUEST', dns: { query: 'web.shop.svc.cluster.local.' } } }],
      [{ source_service: Object.freeze({ name: 'web', namespace: 'shop' }) }],
      [{ destination_service: Object.freeze({ name: 'web', namespace: 'shop' }) }],
      [{ policy_match_type: 2 }],
      [{ is_reply: undefined }],
      [{ Summary: 'TCP Flags: ACK' }],
      [{ Summary: undefined }],
      [{ uuid: undefined }],
      [{}, { node_name: 'other-node' }],
      [{}, { node_name: undefined }],
      [{}, { time: undefined }],
      [{}, { time: '2025-06-02T09:00:01Z' }],
      [{ time: '2025-06-02T09:00:02.5Z' }],
    ];
    const events = variants.map(([f, w]) => flow(ip, f, w));
    // Twice over, so the second round reads every line back from its template.
    const problems: string[] = [];
    for (let round = 0; round < 2; round++)
      for (const ev of events) {
        const want = encodeEvent(ev);
        if (encodeSimEvent(ev) !== want) problems.push(`round ${round}: ${want}`);
      }
    expect(problems).toEqual([]);
  });

  it('does not keep the bytes of sub-objects that can still change', () => {
    const ip = ipRecordWithLines('10.244.1.5', '10.244.2.7');
    const mutable: Endpoint = { ID: 3, namespace: 'shop', pod_name: 'web-1' };
    const ev = flow(ip, { source: mutable });
    expect(encodeSimEvent(ev)).toBe(encodeEvent(ev));
    mutable.pod_name = 'web-2';
    expect(encodeSimEvent(ev)).toContain('"pod_name":"web-2"');
    expect(encodeSimEvent(ev)).toBe(encodeEvent(ev));
  });

  it('hands events with fields it does not write to encodeEvent', () => {
    const ip = ipRecordWithLines('10.244.1.5', '10.244.2.8');
    const evs: FlowEvent[] = [
      flow(ip, { egress_allowed_by: [{ name: 'allow-web', namespace: 'shop' }] }),
      flow(ip, { IP: { source: '10.0.0.1', destination: '10.0.0.2', source_xlated: '10.0.0.9' } }),
      flow(ip, { l7: { type: 'REQUEST' } }),
      flow(ip, { l7: { type: 'REQUEST', dns: { query: 'a.' }, http: { code: 200 } } }),
      flow(ip, { verdict: 2 }),
    ];
    for (const ev of evs) expect(encodeSimEvent(ev)).toBe(encodeEvent(ev));
  });

  it('appends to a writer without touching what is already there', () => {
    const ip = ipRecordWithLines('10.244.1.5', '10.244.2.9');
    const w = new ByteWriter(16);
    w.str('head\n');
    const a = flow(ip);
    const b = flow(ip, { l4: { TCP: { source_port: 40002, destination_port: 8080, flags: SYN } } });
    writeSimEvent(a, w);
    w.byte(10);
    writeSimEvent(b, w);
    expect(w.text()).toBe(`head\n${encodeEvent(a)}\n${encodeEvent(b)}`);
  });
});
