import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeEvent,
  decodeFilter,
  encodeEvent,
  encodeFilter,
  FlowDecodeError,
  quoteJson,
  type DecodeContext,
} from './index.js';

const root = new URL('../../test/', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, root), 'utf8');

function roundTrip(line: string, ctx?: DecodeContext): string {
  return encodeEvent(decodeEvent(JSON.parse(line), ctx));
}

describe('JSON codec: shared fixtures', () => {
  const files = readdirSync(new URL('fixtures/hubble/', root)).filter((f) => f.endsWith('.jsonl'));
  for (const f of files) {
    it(`${f} parses and re-serialises to the same bytes`, () => {
      const lines = read(`fixtures/hubble/${f}`).split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        const ctx: DecodeContext = { unknownFields: [] };
        expect(roundTrip(line, ctx)).toBe(line);
        expect(ctx.unknownFields).toEqual([]);
      }
    });
  }

  it('the hubble golden input re-encodes to observe-all.json byte for byte', () => {
    const out = read('golden-hubble/input.jsonl')
      .split('\n')
      .filter(Boolean)
      .map((l) => roundTrip(l) + '\n')
      .join('');
    expect(out).toBe(read('golden-hubble/observe-all.json'));
  });
});

describe('JSON codec: hubble v0.12.3 verified examples (hubble-flow.md §1)', () => {
  const cases = [
    {
      name: 'defaults are dropped, presence-tracked messages kept, keys reordered',
      in: '{"time":"2024-05-01T12:00:00.5Z","node_name":"w","flow":{"Summary":"s","is_reply":false,"verdict":"VERDICT_UNKNOWN","time":"2024-05-01T12:00:00.5Z","reply":false,"source":{},"destination":{"labels":[],"namespace":""},"event_type":{"type":4,"sub_type":0},"l4":{"ICMPv4":{"type":0,"code":0}},"drop_reason":0,"uuid":"","node_name":"n"}}',
      want: '{"flow":{"time":"2024-05-01T12:00:00.500Z","l4":{"ICMPv4":{}},"source":{},"destination":{},"node_name":"n","event_type":{"type":4},"is_reply":false,"Summary":"s"},"node_name":"w","time":"2024-05-01T12:00:00.500Z"}',
    },
    {
      name: 'enum numbers become names, unnamed numbers stay numbers, 64-bit ints become strings',
      in: '{"flow":{"time":"2024-05-01T12:00:00.123400Z","verdict":2,"drop_reason_desc":133,"Type":1,"traffic_direction":9,"l7":{"latency_ns":12345,"type":"RESPONSE"},"socket_cookie":"18446744073709551615","cgroup_id":0,"trace_observation_point":101,"IP":{"ipVersion":"IPv4","source":"1.1.1.1"},"is_reply":true},"time":"2024-05-01T12:00:00.123400000Z"}',
      want: '{"flow":{"time":"2024-05-01T12:00:00.123400Z","verdict":"DROPPED","IP":{"source":"1.1.1.1","ipVersion":"IPv4"},"Type":"L3_L4","l7":{"type":"RESPONSE","latency_ns":"12345"},"traffic_direction":9,"trace_observation_point":"TO_ENDPOINT","drop_reason_desc":"POLICY_DENIED","is_reply":true,"socket_cookie":"18446744073709551615"},"time":"2024-05-01T12:00:00.123400Z"}',
    },
    {
      name: 'camelCase keys and null are accepted',
      in: '{"flow":{"time":"2024-05-01T12:00:00.000000001Z","dropReasonDesc":"POLICY_DENIED","nodeName":"camel","sourceNames":["x"],"isReply":null,"eventType":{"type":1,"subType":133},"l4":{"TCP":{"sourcePort":1,"destinationPort":2,"flags":{"SYN":true,"ACK":false}}}},"nodeName":"camel","time":"2024-05-01T12:00:00.000000001Z"}',
      want: '{"flow":{"time":"2024-05-01T12:00:00.000000001Z","l4":{"TCP":{"source_port":1,"destination_port":2,"flags":{"SYN":true}}},"node_name":"camel","source_names":["x"],"event_type":{"type":1,"sub_type":133},"drop_reason_desc":"POLICY_DENIED"},"node_name":"camel","time":"2024-05-01T12:00:00.000000001Z"}',
    },
    {
      name: 'offsets are converted to UTC and HTML characters escaped',
      in: '{"flow":{"time":"2024-05-01T12:00:00+02:00","Summary":"<tag> & \\u2028 é 😀 \\u0001"},"time":"2024-05-01T10:00:00Z"}',
      want: '{"flow":{"time":"2024-05-01T10:00:00Z","Summary":"\\u003ctag\\u003e \\u0026 \\u2028 é 😀 \\u0001"},"time":"2024-05-01T10:00:00Z"}',
    },
    {
      name: 'fields unknown to v0.12.3 are kept in memory but not written',
      in: '{"flow":{"time":"2025-05-01T12:00:00.123456789Z","emitter":{"name":"Hubble","version":"1.19.4"},"verdict":"DROPPED","source":{"cluster_name":"default","namespace":"shop"},"file":{"name":"bpf_lxc.c","line":1520},"drop_reason_desc":"UNENCRYPTED_TRAFFIC"},"node_name":"n","time":"2025-05-01T12:00:00.123456789Z"}',
      want: '{"flow":{"time":"2025-05-01T12:00:00.123456789Z","verdict":"DROPPED","source":{"namespace":"shop"},"drop_reason_desc":195},"node_name":"n","time":"2025-05-01T12:00:00.123456789Z"}',
    },
    {
      name: 'decimal strings and exponent forms for 32-bit integers',
      in: '{"flow":{"l4":{"UDP":{"source_port":"80","destination_port":1e2}}}}',
      want: '{"flow":{"l4":{"UDP":{"source_port":80,"destination_port":100}}}}',
    },
    {
      name: 'fraction digits are normalised',
      in: '{"flow":{"time":"2024-05-01T12:00:00.1Z"},"time":"2024-05-01T12:00:00.000000000Z"}',
      want: '{"flow":{"time":"2024-05-01T12:00:00.100Z"},"time":"2024-05-01T12:00:00Z"}',
    },
  ];
  for (const c of cases) {
    it(c.name, () => expect(roundTrip(c.in)).toBe(c.want));
  }

  const errors = [
    { name: 'lower-case enum name', in: '{"flow":{"verdict":"forwarded"}}', want: /enum/ },
    { name: 'fractional integer', in: '{"flow":{"l4":{"TCP":{"source_port":1.5}}}}', want: /integer/ },
    { name: 'negative unsigned', in: '{"flow":{"l4":{"TCP":{"source_port":-1}}}}', want: /integer/ },
    {
      name: 'out of range uint32',
      in: '{"flow":{"l4":{"TCP":{"source_port":4294967296}}}}',
      want: /integer/,
    },
    { name: 'negative uint64 string', in: '{"flow":{"l7":{"latency_ns":"-5"}}}', want: /64-bit/ },
    { name: 'string for bool', in: '{"flow":{"reply":"true"}}', want: /bool/ },
    {
      name: 'ten fraction digits',
      in: '{"flow":{"time":"2024-05-01T12:00:00.1234567890Z"}}',
      want: /Timestamp/,
    },
    { name: 'lower-case z', in: '{"flow":{"time":"2024-05-01T12:00:00z"}}', want: /Timestamp/ },
    { name: 'missing zone', in: '{"flow":{"time":"2024-05-01T12:00:00"}}', want: /Timestamp/ },
    { name: 'timestamp as number', in: '{"flow":{"time":1714564800}}', want: /Timestamp/ },
    { name: 'February 30', in: '{"flow":{"time":"2024-02-30T12:00:00Z"}}', want: /Timestamp/ },
    { name: 'two oneof members', in: '{"flow":{"l4":{"TCP":{},"UDP":{}}}}', want: /oneof/ },
    {
      name: 'proto and camel name of one field',
      in: '{"flow":{"node_name":"a","nodeName":"b"}}',
      want: /duplicate/,
    },
    { name: 'an array', in: '[]', want: /object/ },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      expect(() => decodeEvent(JSON.parse(c.in))).toThrow(FlowDecodeError);
      expect(() => decodeEvent(JSON.parse(c.in))).toThrow(c.want);
    });
  }

  it('reports unknown fields with their path and skips them', () => {
    const ctx: DecodeContext = { unknownFields: [] };
    expect(roundTrip('{"flow":{"uuid":"u","mystery":{"a":1}},"extra":1}', ctx)).toBe('{"flow":{"uuid":"u"}}');
    expect(ctx.unknownFields).toEqual(['flow.mystery', 'extra']);
  });

  it('reads bare flows (older logs) and wraps them', () => {
    const ev = decodeEvent(
      JSON.parse('{"time":"2024-05-01T12:00:00Z","uuid":"u","verdict":"FORWARDED","node_name":"n"}'),
    );
    expect(encodeEvent(ev)).toBe(
      '{"flow":{"time":"2024-05-01T12:00:00Z","uuid":"u","verdict":"FORWARDED","node_name":"n"},"node_name":"n","time":"2024-05-01T12:00:00Z"}',
    );
  });

  it('full mode writes the v1.19 fields', () => {
    const ev = decodeEvent(
      JSON.parse('{"flow":{"emitter":{"name":"Hubble"},"source":{"cluster_name":"c1"}}}'),
    );
    expect(encodeEvent(ev, 'full')).toBe(
      '{"flow":{"emitter":{"name":"Hubble"},"source":{"cluster_name":"c1"}}}',
    );
  });
});

describe('quoteJson', () => {
  const cases: [string, string][] = [
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['\u001b[31m', '"\\u001b[31m"'],
    ['<script>&', '"\\u003cscript\\u003e\\u0026"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['/ \u007f é 😀', '"/ \u007f é 😀"'],
  ];
  for (const [input, want] of cases)
    it(`escapes ${JSON.stringify(input)}`, () => expect(quoteJson(input)).toBe(want));
});

describe('FlowFilter JSON', () => {
  it('prints filters in declaration order like --print-raw-filters', () => {
    const f = decodeFilter({ verdict: ['DROPPED'], source_pod: ['shop/'] });
    expect(encodeFilter(f)).toBe('{"source_pod":["shop/"],"verdict":["DROPPED"]}');
  });
  it('rejects unknown filter fields', () => {
    expect(() => decodeFilter({ sourcePodz: ['x'] })).toThrow(/unknown field "sourcePodz"/);
  });
  it('accepts enum numbers and camelCase', () => {
    expect(decodeFilter({ sourcePod: ['/frontend'], verdict: [2, 3] })).toEqual({
      source_pod: ['/frontend'],
      verdict: ['DROPPED', 'ERROR'],
    });
  });
});
