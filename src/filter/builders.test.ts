/**
 * Conformance suite for the FilterBuilder registry: every built-in builder honours the same
 * contract — nothing set, nothing built; each matcher names a FlowFilter field; matchers never
 * throw on real flows or on an empty flow; and every line test is a sound necessary condition
 * of its matcher on every fixture line.
 */
import { describe, expect, it } from 'vitest';
import type { FieldMatcher } from './builder.js';
import { builtinFilterBuilders } from './builtins.js';
import { loadAllFixtures } from './testing.js';
import type { FlowFilter } from './types.js';

/** A valid value for every field (CEL aside, which is rejected by design). */
const FULL: FlowFilter = {
  uuid: ['704b77bb-29b3-4a28-bb2a-4ba7a1653820'],
  source_ip: ['10.244.2.35', '10.0.0.0/8'],
  source_ip_xlated: ['192.168.0.1'],
  source_pod: ['shop/', 'identity/sessions'],
  source_fqdn: ['*.github.com'],
  source_label: ['k8s:app=sessions'],
  source_service: ['shop/front'],
  source_workload: [{ name: 'sessions' }],
  source_cluster_name: ['default'],
  destination_ip: ['10.244.2.47'],
  destination_pod: ['monitoring/'],
  destination_fqdn: ['github.com'],
  destination_label: ['app in (loki,web)'],
  destination_service: ['kube-system/kube-dns'],
  destination_workload: [{ kind: 'Deployment' }],
  destination_cluster_name: ['c1'],
  traffic_direction: ['EGRESS'],
  verdict: ['FORWARDED'],
  drop_reason_desc: ['POLICY_DENIED'],
  interface: [{ name: 'eth0' }],
  event_type: [{ type: 129 }, { type: 4 }],
  http_status_code: ['2+'],
  protocol: ['udp', 'http'],
  source_port: ['56967'],
  destination_port: ['8125'],
  reply: [false],
  dns_query: ['github'],
  source_identity: [11366],
  destination_identity: [12026],
  http_method: ['post'],
  http_path: ['^/healthz'],
  http_url: ['payments'],
  http_header: [{ key: 'user-agent', value: 'curl/8.5.0' }],
  tcp_flags: [{ SYN: true }],
  node_name: ['kind-worker*'],
  node_labels: ['zone=a'],
  ip_version: ['IPv4'],
  trace_id: ['abc'],
  ip_trace_id: ['7'],
  encrypted: [false],
};
const FILTER_KEYS = new Set(Object.keys(FULL));

const fixtures = loadAllFixtures();
const builders = builtinFilterBuilders.filter((b) => b.name !== 'cel');

describe.each(builders.map((b) => ({ name: b.name, builder: b })))('builder $name', ({ builder }) => {
  const matchers: FieldMatcher[] = builder.build(FULL);

  it('builds nothing for an empty filter', () => expect(builder.build({})).toEqual([]));
  it('builds matchers named after FlowFilter fields', () => {
    expect(matchers.length).toBeGreaterThan(0);
    for (const m of matchers) expect(FILTER_KEYS.has(m.field), m.field).toBe(true);
  });
  it('never throws on an empty flow or real flows', () => {
    for (const m of matchers) {
      expect(typeof m.match({})).toBe('boolean');
      for (const l of fixtures) if (l.event.flow) m.match(l.event.flow);
    }
  });
  it('has sound line tests', () => {
    for (const m of matchers) {
      if (!m.lineTest) continue;
      for (const l of fixtures) {
        if (l.event.flow && m.match(l.event.flow))
          expect(m.lineTest(l.line), `${m.field}: ${l.line}`).toBe(true);
      }
    }
  });
});

describe('registry coverage', () => {
  it('every FlowFilter field of the full filter is compiled by some builder', () => {
    const fields = new Set(builders.flatMap((b) => b.build(FULL).map((m) => m.field)));
    expect([...FILTER_KEYS].filter((k) => !fields.has(k))).toEqual([]);
  });
  it('the CEL builder rejects expressions and ignores an empty list', () => {
    const cel = builtinFilterBuilders.find((b) => b.name === 'cel')!;
    expect(() => cel.build({ experimental: { cel_expression: ['true'] } })).toThrow(
      'CEL expressions are not supported',
    );
    expect(cel.build({ experimental: { cel_expression: [] } })).toEqual([]);
  });
});
