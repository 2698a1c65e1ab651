/**
 * Property tests: the evaluator follows Kubernetes NetworkPolicy semantics for randomly
 * generated pods and policies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { parseNetworkPolicy } from './parse.js';
import type { LabelSelector, NetworkPolicy, PodEndpoint, PolicyEndpoint, PolicyQuery } from './types.js';

const NAMESPACES = ['shop', 'pets', 'monitoring'];
const nsLabels = (ns: string) => ({
  'kubernetes.io/metadata.name': ns,
  env: ns === 'monitoring' ? 'ops' : 'prod',
});

const labelsArb = fc.record(
  { app: fc.constantFrom('web', 'api', 'db'), tier: fc.constantFrom('fe', 'be') },
  { requiredKeys: ['app'] },
);

const podArb: fc.Arbitrary<PodEndpoint> = fc
  .record({ ns: fc.constantFrom(...NAMESPACES), labels: labelsArb, last: fc.integer({ min: 2, max: 250 }) })
  .map(({ ns, labels, last }) => ({
    kind: 'pod',
    namespace: ns,
    labels: labels as Record<string, string>,
    namespaceLabels: nsLabels(ns),
    ip: `10.244.1.${last}`,
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }));

const externalArb: fc.Arbitrary<PolicyEndpoint> = fc
  .integer({ min: 1, max: 254 })
  .map((n) => ({ kind: 'external', ip: `203.0.113.${n}` }));

const selectorArb: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  labelsArb.map((l) => ({ matchLabels: l as Record<string, string> })),
  fc
    .record({
      key: fc.constantFrom('app', 'tier'),
      operator: fc.constantFrom('In' as const, 'NotIn' as const),
      values: fc.subarray(['web', 'api', 'db', 'fe', 'be'], { minLength: 1 }),
    })
    .map((e) => ({ matchExpressions: [e] })),
  fc
    .record({
      key: fc.constantFrom('app', 'tier', 'zone'),
      operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
    })
    .map((e) => ({ matchExpressions: [e] })),
);

const peerArb = fc.oneof(
  selectorArb.map((s) => ({ podSelector: s })),
  fc
    .constantFrom(...NAMESPACES)
    .map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
  fc
    .tuple(selectorArb, fc.constantFrom('prod', 'ops'))
    .map(([s, env]) => ({ podSelector: s, namespaceSelector: { matchLabels: { env } } })),
  fc
    .integer({ min: 0, max: 255 })
    .map((n) => ({ ipBlock: { cidr: '203.0.113.0/24', except: [`203.0.113.${n}/32`] } })),
);

const portArb = fc.oneof(
  fc.constantFrom(8080, 9090, 53).map((port) => ({ port })),
  fc.constant({ port: 'http' }),
  fc.constant({ port: 8000, endPort: 8100 }),
  fc.constant({ protocol: 'UDP', port: 53 }),
);

const ruleArb = (key: 'from' | 'to') =>
  fc.record(
    {
      [key]: fc.array(peerArb, { minLength: 1, maxLength: 2 }),
      ports: fc.array(portArb, { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  );

const policyArb: fc.Arbitrary<NetworkPolicy> = fc
  .record({
    ns: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('a', 'b', 'c', 'd'),
    podSelector: selectorArb,
    types: fc.subarray(['Ingress', 'Egress'] as const, { minLength: 1 }),
    ingress: fc.array(ruleArb('from'), { maxLength: 2 }),
    egress: fc.array(ruleArb('to'), { maxLength: 2 }),
  })
  .map((p) =>
    parseNetworkPolicy({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: p.name, namespace: p.ns },
      spec: { podSelector: p.podSelector, policyTypes: p.types, ingress: p.ingress, egress: p.egress },
    }),
  );

const queryArb: fc.Arbitrary<PolicyQuery> = fc.record({
  source: fc.oneof(podArb, externalArb),
  destination: podArb,
  protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
  port: fc.constantFrom(53, 8080, 8050, 9090),
});

/** Whether `p` selects `ep`, computed independently of the evaluator. */
const selects = (p: NetworkPolicy, ep: PolicyEndpoint) =>
  ep.kind === 'pod' && p.metadata.namespace === ep.namespace && matches(p, ep);
function matches(p: NetworkPolicy, ep: PodEndpoint): boolean {
  const sel = p.spec.podSelector;
  return (
    Object.entries(sel.matchLabels ?? {}).every(([k, v]) => ep.labels[k] === v) &&
    (sel.matchExpressions ?? []).every((e) => {
      const has = e.key in ep.labels;
      if (e.operator === 'Exists') return has;
      if (e.operator === 'DoesNotExist') return !has;
      if (e.operator === 'In') return has && e.values!.includes(ep.labels[e.key]);
      return !has || !e.values!.includes(ep.labels[e.key]);
    })
  );
}

describe('NetworkPolicy semantics (property)', () => {
  it('a destination selected by no ingress policy accepts every connection', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 5 }), queryArb, (policies, q) => {
        const ingressSelecting = policies.filter(
          (p) => p.spec.policyTypes.includes('Ingress') && selects(p, q.destination),
        );
        fc.pre(ingressSelecting.length === 0);
        const d = evaluate(policies, q);
        expect(d.ingress.allowed).toBe(true);
        expect(d.ingress.isolated).toBe(false);
      }),
    );
  });

  it('a destination selected by an ingress policy whose rules match nothing is denied', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 3 }), queryArb, (others, q) => {
        const dst = q.destination as PodEndpoint;
        // Only ingress policies in other namespaces besides the deny-all one: none can allow.
        const unrelated = others.filter((p) => p.metadata.namespace !== dst.namespace);
        const denyAll = parseNetworkPolicy({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny', namespace: dst.namespace },
          spec: { podSelector: { matchLabels: dst.labels } },
        });
        const d = evaluate([...unrelated, denyAll], q);
        expect(d.ingress.allowed).toBe(false);
        expect(d.allowed).toBe(false);
        expect(d.ingress.selectedBy).toContainEqual({ namespace: dst.namespace, name: 'deny' });
      }),
    );
  });

  it('adding an allow-all ingress rule to a selecting policy allows ingress', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 5 }), queryArb, (policies, q) => {
        const dst = q.destination as PodEndpoint;
        const allowAll = parseNetworkPolicy({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'allow-all', namespace: dst.namespace },
          spec: { podSelector: {}, ingress: [{}] },
        });
        const d = evaluate([...policies, allowAll], q);
        expect(d.ingress.allowed).toBe(true);
        expect(d.ingress.allowedBy).toContainEqual({ namespace: dst.namespace, name: 'allow-all' });
      }),
    );
  });

  it('policies are additive: adding a policy never denies a connection to an already isolated pod', () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { minLength: 1, maxLength: 4 }),
        policyArb,
        queryArb,
        (policies, extra, q) => {
          const before = evaluate(policies, q);
          fc.pre(
            before.allowed && before.ingress.isolated && (q.source.kind !== 'pod' || before.egress.isolated),
          );
          expect(evaluate([...policies, extra], q).allowed).toBe(true);
        },
      ),
    );
  });

  it('the decision does not depend on policy order', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 6 }), queryArb, (policies, q) => {
        const a = evaluate(policies, q);
        const b = evaluate([...policies].reverse(), q);
        expect(b.allowed).toBe(a.allowed);
        expect(b.deniedBy).toBe(a.deniedBy);
      }),
    );
  });

  it('a connection is allowed exactly when both egress and ingress allow it', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 6 }), queryArb, (policies, q) => {
        const d = evaluate(policies, q);
        expect(d.allowed).toBe(d.egress.allowed && d.ingress.allowed);
        if (q.source.kind === 'external') expect(d.egress.isolated).toBe(false);
      }),
    );
  });

  it('policies of other namespaces never change the verdict of a pod', () => {
    fc.assert(
      fc.property(fc.array(policyArb, { maxLength: 6 }), queryArb, (policies, q) => {
        const dst = q.destination as PodEndpoint;
        const own = policies.filter((p) => p.metadata.namespace === dst.namespace);
        expect(evaluate(policies, q).ingress.allowed).toBe(evaluate(own, q).ingress.allowed);
      }),
    );
  });
});
