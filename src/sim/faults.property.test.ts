/**
 * Property tests: faults show up exactly in the windows the truth file reports, and the
 * simulator's policy drops are exactly the connections the evaluator denies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeMillis, type Flow } from '../flow/index.js';
import { evaluate, parseNetworkPolicy, policyQueryFromFlow } from '../policy/index.js';
import { connectionKey, checkInvariants } from './invariants.js';
import { scenarioFromText } from './load.js';
import { simulate, truth } from './simulate.js';

const BASE = `name: prop
duration: 30s
start: 2025-01-01T00:00:00Z
nodes: [node-a, node-b]
workloads:
  - { kind: Deployment, name: client, namespace: shop, replicas: 2, labels: { app: client, tier: fe } }
  - { kind: Deployment, name: web, namespace: shop, replicas: 3, labels: { app: web, tier: be }, ports: [{ name: http, port: 8080 }] }
  - { kind: StatefulSet, name: kafka, namespace: data, replicas: 1, ports: [{ name: kafka, port: 9092 }] }
services:
  - { name: web, namespace: shop, ports: [{ port: 80, targetPort: http }] }
  - { name: kafka, namespace: data, ports: [{ port: 9092 }] }
external:
  - { name: api, fqdn: api.example.com, ips: [203.0.113.5], ipv6: ["2001:db8::5"] }
  - { name: users, ips: [198.51.100.7, 198.51.100.8] }
traffic:
  - { from: shop/client, to: shop/web, port: 80, protocol: http, rate: 12/s, latency: { p50: 5ms, p99: 40ms } }
  - { from: shop/client, to: external:api, port: 443, rate: 6/s }
  - { from: shop/client, to: data/kafka, port: 9092, protocol: kafka, rate: 5/s, kafka: { topic: orders } }
  - { from: external:users, to: shop/web, port: 80, protocol: http, rate: 5/s }
`;

const START = timeMillis('2025-01-01T00:00:00Z');
const sec = (f: Flow) => (timeMillis(f.time) - START) / 1000;
const latS = (f: Flow) => Number(f.l7?.latency_ns ?? 0) / 1e9;

/** Per kind: the fault's YAML body and how to recognise its symptom and when it was decided. */
const KINDS: Record<
  string,
  { yaml: string; symptom: (f: Flow) => boolean; decidedAt: (f: Flow) => number; perConnection?: boolean }
> = {
  'http-errors': {
    yaml: 'workload: shop/web\n    status: 503\n    ratio: 1',
    symptom: (f) => f.l7?.http?.code === 503,
    decidedAt: (f) => sec(f) - latS(f),
  },
  'dns-refused': {
    yaml: 'ratio: 1',
    symptom: (f) => f.l7?.dns?.rcode === 5,
    decidedAt: (f) => sec(f) - latS(f),
  },
  'dns-upstream-down': {
    yaml: 'names: [api.example.com]',
    symptom: (f) => f.l7?.dns?.rcode === 2,
    decidedAt: (f) => sec(f) - latS(f),
  },
  'dns-a-fail': {
    yaml: 'names: ["*.example.com"]',
    symptom: (f) => f.l7?.dns?.rcode === 2 && f.l7.dns.qtypes?.[0] === 'A',
    decidedAt: (f) => sec(f) - latS(f),
  },
  'kafka-errors': {
    yaml: 'workload: data/kafka\n    errorCode: 7\n    ratio: 1',
    symptom: (f) => f.l7?.kafka?.error_code === 7,
    decidedAt: (f) => sec(f) - latS(f),
  },
  'tcp-reset': {
    yaml: 'workload: shop/web\n    ratio: 1',
    symptom: (f) => !!f.l4?.TCP?.flags?.RST,
    decidedAt: sec,
    perConnection: true,
  },
  'node-drops': {
    yaml: 'node: node-b\n    reason: FIB_LOOKUP_FAILED\n    ratio: 1',
    symptom: (f) => f.drop_reason_desc === 'FIB_LOOKUP_FAILED',
    decidedAt: sec,
    perConnection: true,
  },
  latency: {
    yaml: 'workload: shop/web\n    add: 2s',
    symptom: (f) => f.l7?.type === 'RESPONSE' && latS(f) > 1.5,
    decidedAt: (f) => sec(f) - latS(f),
  },
  'policy-change': {
    yaml: 'policy:\n      apiVersion: networking.k8s.io/v1\n      kind: NetworkPolicy\n      metadata: { name: lockdown, namespace: shop }\n      spec: { podSelector: { matchLabels: { app: web } } }',
    symptom: (f) => f.drop_reason_desc === 'POLICY_DENIED',
    decidedAt: sec,
    perConnection: true,
  },
};

describe('fault windows (property)', () => {
  it('symptoms appear inside the window the truth file reports, and only there', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(KINDS)),
        fc.integer({ min: 0, max: 22 }),
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 1, max: 1e6 }),
        (kind, from, len, seed) => {
          const k = KINDS[kind];
          const s = scenarioFromText(
            `${BASE}faults:\n  - kind: ${kind}\n    from: ${from}s\n    for: ${len}s\n    ${k.yaml}\n`,
          );
          const [entry] = truth(s);
          expect(entry.kind).toBe(kind);
          const wFrom = (timeMillis(entry.start) - START) / 1000;
          const wTo = (timeMillis(entry.end) - START) / 1000;
          expect([wFrom, wTo]).toEqual([from, from + len]);
          const events = [...simulate(s, { seed })];
          const flows = events.map((e) => e.flow!);
          let hits = flows.filter(k.symptom);
          if (k.perConnection) {
            // Retransmissions and later packets of a hit connection follow its first symptom.
            const seen = new Set<string>();
            hits = hits.filter((f) => !seen.has(connectionKey(f)!) && seen.add(connectionKey(f)!));
          }
          expect(hits.length).toBeGreaterThan(0);
          for (const f of hits) {
            const t = k.decidedAt(f);
            expect(t).toBeGreaterThanOrEqual(wFrom - 1e-6);
            // Decisions happen at the start of an exchange; what shows it can trail by one world RTT.
            expect(t).toBeLessThan(wTo + 0.03);
          }
          expect(hits.some((f) => k.decidedAt(f) < wTo)).toBe(true);
          expect(checkInvariants(events).violations).toEqual([]);
        },
      ),
      { numRuns: 20 },
    );
  });
});

const selectorArb = fc.constantFrom<Record<string, unknown>>(
  {},
  { matchLabels: { app: 'web' } },
  { matchLabels: { app: 'client' } },
  { matchLabels: { tier: 'be' } },
  { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['client'] }] },
);
const peerArb = fc.constantFrom<Record<string, unknown>>(
  { podSelector: { matchLabels: { app: 'client' } } },
  { podSelector: { matchLabels: { tier: 'fe' } } },
  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } },
  { namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } },
  { ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.8/32'] } },
  { ipBlock: { cidr: '203.0.113.0/24' } },
);
const portArb = fc.constantFrom<Record<string, unknown>>(
  { port: 8080 },
  { port: 9092 },
  { port: 443 },
  { port: 8000, endPort: 8100 },
  { port: 53, protocol: 'UDP' },
);
const ruleArb = (key: string) =>
  fc.record({ [key]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) });
const policyArb = fc.record({
  ns: fc.constantFrom('shop', 'data', 'kube-system'),
  sel: selectorArb,
  types: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }),
  ingress: fc.array(ruleArb('from'), { maxLength: 2 }),
  egress: fc.array(ruleArb('to'), { maxLength: 2 }),
});

describe('policy enforcement (property)', () => {
  it('drops exactly the connections the evaluator denies', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { minLength: 1, maxLength: 4 }), (ps) => {
        const objs = ps.map((p, i) => ({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: `p${i}`, namespace: p.ns },
          spec: { podSelector: p.sel, policyTypes: p.types, ingress: p.ingress, egress: p.egress },
        }));
        const s = scenarioFromText(
          `${BASE.replace('duration: 30s', 'duration: 8s')}policies: ${JSON.stringify(objs)}\n`,
        );
        const policies = objs.map((o) => parseNetworkPolicy(o));
        const firstByConn = new Map<string, Flow>();
        const events = [...simulate(s, { seed: 1 })];
        for (const ev of events) {
          const f = ev.flow!;
          const key = connectionKey(f);
          if (key && f.Type === 'L3_L4' && !firstByConn.has(key)) firstByConn.set(key, f);
        }
        expect(firstByConn.size).toBeGreaterThan(20);
        for (const f of firstByConn.values()) {
          const q = policyQueryFromFlow(f)!;
          // Flows carry no container port names; give the evaluator the destination's.
          if (q.destination.kind === 'pod' && q.destination.namespace === 'shop')
            q.destination = { ...q.destination, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
          const d = evaluate(policies, q);
          expect(f.verdict === 'DROPPED').toBe(!d.allowed);
          if (!d.allowed) expect(f.traffic_direction).toBe(d.deniedBy === 'egress' ? 'EGRESS' : 'INGRESS');
        }
        expect(checkInvariants(events).violations).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
