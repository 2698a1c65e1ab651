/**
 * compileLinePrefilter must never reject a line whose event the full predicate accepts.
 * Property-style: every fixture line, re-encoded in several legal JSON spellings (numeric and
 * string-numeric enums, lowerCamelCase keys, extra whitespace, unicode escapes, bare flows),
 * plus crafted lines, against a set of allowlists.
 */
import { describe, expect, it } from 'vitest';
import { decodeEvent, enumNumber, type FlowEvent } from '../flow/index.js';
import { compileFilters, compileLinePrefilter } from './compile.js';
import { nonNameEnumValue } from './line-test.js';
import { loadAllFixtures, loadJsonl } from './testing.js';
import type { FlowFilter } from './types.js';

type Json = Record<string, unknown>;

const ENUM_TYPES: Record<string, string> = {
  verdict: 'flow.Verdict',
  traffic_direction: 'flow.TrafficDirection',
  drop_reason_desc: 'flow.DropReason',
  ipVersion: 'flow.IPVersion',
};
const CAMEL: Record<string, string> = {
  traffic_direction: 'trafficDirection',
  pod_name: 'podName',
  destination_names: 'destinationNames',
  source_names: 'sourceNames',
  is_reply: 'isReply',
  drop_reason_desc: 'dropReasonDesc',
  source_service: 'sourceService',
  destination_port: 'destinationPort',
};

/** Deep-maps an object's keys and values. */
function mapJson(v: unknown, fn: (key: string, value: unknown) => [string, unknown]): unknown {
  if (Array.isArray(v)) return v.map((x) => mapJson(x, fn));
  if (v === null || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, val] of Object.entries(v as Json)) {
    const [nk, nv] = fn(k, mapJson(val, fn));
    out[nk] = nv;
  }
  return out;
}

const numericEnums =
  (stringy: boolean) =>
  (k: string, v: unknown): [string, unknown] => {
    if (Object.hasOwn(ENUM_TYPES, k) && typeof v === 'string') {
      const n = enumNumber(ENUM_TYPES[k], v);
      return [k, stringy ? String(n) : n];
    }
    return [k, v];
  };

/** Legal alternative spellings of one event line. */
function variants(line: string): string[] {
  const obj = JSON.parse(line) as Json;
  const out = [line];
  out.push(JSON.stringify(mapJson(obj, numericEnums(false))));
  out.push(JSON.stringify(mapJson(obj, numericEnums(true))));
  out.push(JSON.stringify(mapJson(obj, (k, v) => [Object.hasOwn(CAMEL, k) ? CAMEL[k] : k, v])));
  out.push(JSON.stringify(obj, null, 1).replace(/\n/g, ' '));
  out.push(JSON.stringify(mapJson(obj, numericEnums(false)), null, 2).replace(/\n/g, '\t'));
  out.push(line.replace(/o/g, '\\u006f'));
  if (obj.flow) out.push(JSON.stringify(obj.flow));
  return out;
}

const CRAFTED = [
  '{}',
  '{"node_status":{"state_change":"NODE_CONNECTED","node_names":["a"]}}',
  '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"3"}}',
  '{"flow":{"verdict":2,"source":{"namespace":"shop"},"l7":{"dns":{}}}}',
  '{"flow":{"verdict" : 2 ,"destination":{"namespace":"shop","pod_name":"web-1"}}}',
  '{"flow":{"verdict":"2","source":{"namespace":"shop"}}}',
  '{"flow":{"verdict":2e0,"source":{"namespace":"shop"}}}',
  '{"flow":{"verdict":"DROPPED","source":{"namespace":"sh\\u006fp"}}}',
  '{"flow":{"verdict":"DROPPED","source":{"namespace":"shop"},"trafficDirection":1}}',
  '{"flow":{"Summary":"verdict","verdict":"DROPPED","destination":{"namespace":"shop"}}}',
  '{"flow":{"verdict":"DROPPED","l4":{"ICMPv6":{}},"IP":{"source":"fd00::1","ipVersion":2}}}',
  '{"flow":{"uuid":"u-1","l7":{"http":{"code":503,"headers":[{"key":"x-user","value":"alice"}]}},"event_type":{"type":129}}}',
  '{"flow":{"trace_context":{"parent":{"trace_id":"t1"}}}}',
  '{"flow":{"destination":{"pod_name":"web-1"}}}',
  '{"flow":{"verdict":"DROPPED","source":{"namespace":"shop"},"Summary":"a \\"b\\" \\t"}}',
  '{"flow":{"l7":{"http":{"code":503,"headers":[{"key":"user-agent","value":"curl\\/8.5.0"}]}},"event_type":{"type":129}}}',
  '{"flow":{"destination_names":["api.github.com"],"source":{"labels":["k8s:app=frontend"],"workloads":[{"name":"frontend","kind":"Deployment"}]}}}',
];

/** Decodes a line; undefined for lines the codec rejects (e.g. `"verdict":"2"`). */
function decode(line: string): FlowEvent | undefined {
  try {
    return decodeEvent(JSON.parse(line));
  } catch {
    return undefined;
  }
}

const golden = loadJsonl('test/golden-hubble/input.jsonl');
const LINES = [...loadAllFixtures().flatMap((l) => variants(l.line)), ...CRAFTED];

const QUERIES: { name: string; allow: FlowFilter[] }[] = [
  { name: 'verdict DROPPED', allow: [{ verdict: ['DROPPED'] }] },
  {
    name: 'verdict DROPPED, namespace shop',
    allow: [
      { source_pod: ['shop/'], verdict: ['DROPPED'] },
      { destination_pod: ['shop/'], verdict: ['DROPPED'] },
    ],
  },
  { name: 'protocol dns', allow: [{ protocol: ['dns'] }] },
  { name: 'protocol tcp or icmp', allow: [{ protocol: ['tcp', 'icmp'] }] },
  { name: 'pod without namespace', allow: [{ source_pod: ['xwing'] }, { destination_pod: ['death'] }] },
  { name: 'pod with empty namespace', allow: [{ destination_pod: ['/web'] }] },
  { name: 'uuid', allow: [{ uuid: [golden[7].event.flow!.uuid!, 'u-1'] }] },
  { name: 'exact IP', allow: [{ source_ip: ['10.244.2.35', 'fd00::1'] }] },
  { name: 'traffic direction', allow: [{ traffic_direction: ['INGRESS'] }] },
  { name: 'ip version', allow: [{ ip_version: ['IPv6'] }] },
  { name: 'drop reason', allow: [{ drop_reason_desc: ['POLICY_DENIED'] }] },
  { name: 'literal fqdn', allow: [{ destination_fqdn: ['api.github.com', 'github.com'] }] },
  { name: 'label equality', allow: [{ source_label: ['k8s:app=frontend', 'app in (reviews,details)'] }] },
  { name: 'workload', allow: [{ source_workload: [{ name: 'frontend' }] }] },
  { name: 'service', allow: [{ destination_service: ['kube-system/kube-dns'] }] },
  { name: 'http status', allow: [{ http_status_code: ['5+'] }] },
  { name: 'http header', allow: [{ http_header: [{ key: 'x-user', value: 'alice' }] }] },
  {
    name: 'http header with a slash',
    allow: [{ http_header: [{ key: 'user-agent', value: 'curl/8.5.0' }] }],
  },
  { name: 'dns query', allow: [{ dns_query: ['github'] }] },
  { name: 'trace id', allow: [{ trace_id: ['t1'] }] },
  {
    name: 'several fields',
    allow: [
      { verdict: ['FORWARDED'], protocol: ['tcp'], source_pod: ['shop/'], traffic_direction: ['EGRESS'] },
    ],
  },
];

describe('compileLinePrefilter > never rejects an accepted line', () => {
  it.each(QUERIES)('$name', ({ allow }) => {
    const pre = compileLinePrefilter(allow, []);
    expect(pre).toBeDefined();
    const pass = compileFilters(allow, []);
    let accepted = 0;
    for (const line of LINES) {
      const ev = decode(line);
      if (ev === undefined || !pass(ev)) continue;
      accepted++;
      expect(pre!(line), line).toBe(true);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('compileLinePrefilter > shape', () => {
  it('is undefined without an allowlist or when a filter has no tokens', () => {
    expect(compileLinePrefilter([], [{ verdict: ['DROPPED'] }])).toBeUndefined();
    expect(compileLinePrefilter([{}], [])).toBeUndefined();
    expect(
      compileLinePrefilter([{ verdict: ['DROPPED'] }, { source_ip: ['10.0.0.0/8'] }], []),
    ).toBeUndefined();
    expect(compileLinePrefilter([{ trace_id: [''] }], [])).toBeUndefined();
    expect(compileLinePrefilter([{ verdict: ['VERDICT_UNKNOWN'] }], [])).toBeUndefined();
    expect(compileLinePrefilter([{ verdict: [2] }], [])).toBeUndefined();
  });
  it('throws FilterError like compileFilters', () => {
    expect(() => compileLinePrefilter([{ protocol: ['foo'] }], [])).toThrow(
      'invalid protocol filter: unknown protocol: "foo"',
    );
  });
  it('skips most lines of the golden input for --verdict DROPPED --namespace shop', () => {
    const pre = compileLinePrefilter(QUERIES[1].allow, [])!;
    const kept = golden.filter((l) => pre(l.line)).length;
    expect(kept).toBeGreaterThanOrEqual(6);
    expect(kept).toBeLessThan(golden.length * 0.15);
  });
  it('keeps lines with \\u escapes, which can spell any token', () => {
    const pre = compileLinePrefilter([{ verdict: ['DROPPED'] }], [])!;
    expect(pre('{"flow":{"verdict":"DROPPE\\u0044"}}')).toBe(true);
    expect(pre('{"flow":{"verdict":"FORWARDED","Summary":"a\\tb \\"DROPPED\\""}}')).toBe(false);
    expect(pre('{"flow":{"verdict":"FORWARDED"}}')).toBe(false);
  });
  it('keeps every line with a backslash when a token has escapable characters', () => {
    const pre = compileLinePrefilter([{ http_header: [{ key: 'user-agent', value: 'curl/8.5.0' }] }], [])!;
    expect(pre('{"flow":{"l7":{"http":{"headers":[{"key":"user-agent","value":"curl\\/8.5.0"}]}}}}')).toBe(
      true,
    );
    expect(pre('{"flow":{"l7":{"http":{"headers":[{"key":"user-agent","value":"wget"}]}}}}')).toBe(false);
  });
  it('rejects lines that lack a required token', () => {
    const pre = compileLinePrefilter([{ protocol: ['dns'], source_pod: ['shop/'] }], [])!;
    expect(pre('{"flow":{"source":{"namespace":"shop"},"l4":{"UDP":{}}}}')).toBe(false);
    expect(pre('{"flow":{"source":{"namespace":"shop"},"l7":{"dns":{}}}}')).toBe(true);
  });
});

describe('nonNameEnumValue', () => {
  const test = nonNameEnumValue(['verdict']);
  const cases = [
    { name: 'name value', line: '{"verdict":"FORWARDED"}', want: false },
    { name: 'number', line: '{"verdict":2}', want: true },
    { name: 'number after spaces', line: '{"verdict" :\t 2}', want: true },
    { name: 'numeric string', line: '{"verdict":"2"}', want: true },
    { name: 'null', line: '{"verdict":null}', want: true },
    { name: 'key text as a value', line: '{"Summary":"verdict","x":1}', want: false },
    { name: 'second occurrence', line: '{"a":"verdict","verdict":3}', want: true },
    { name: 'absent', line: '{"flow":{}}', want: false },
  ];
  it.each(cases)('$name', ({ line, want }) => expect(test(line)).toBe(want));
});
