/**
 * The smallest rule that would admit a denied connection: a NetworkPolicy selecting exactly the
 * denied endpoint's workload, with one rule admitting exactly the peer's workload (or the
 * peer's address) on exactly the port. Policies are additive, so adding it (or copying its rule
 * into the policy that isolates the endpoint) admits the connection and nothing else.
 * A Cilium deny rule cannot be overridden by an allow: then there is no proposal, only the rule
 * to change.
 */
import { stringify } from 'yaml';
import type { Connection, ConnectionEnd } from './connection.js';
import type { Explanation } from './explain.js';
import type { NetworkPolicy, NetworkPolicyPeer } from './types.js';

/** Labels Kubernetes adds to pods per revision/replica: never part of a stable selector. */
const VOLATILE = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'pod-template-generation',
  'apps.kubernetes.io/pod-index',
]);
/** Labels that name an application, in order of preference. */
const NAMING = [
  'app.kubernetes.io/name',
  'app',
  'k8s-app',
  'name',
  'component',
  'app.kubernetes.io/component',
];

/** The fewest labels that identify a pod's workload. */
export function identifyingLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  for (const k of NAMING) if (labels[k] !== undefined) return { [k]: labels[k] };
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !VOLATILE.has(k)));
}

function dnsName(s: string): string {
  const n = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return n.slice(0, 63).replace(/-$/, '') || 'allow';
}

function nameOf(e: ConnectionEnd): string {
  if (e.k8s.kind !== 'pod') return e.k8s.ip ?? 'world';
  return (
    e.workload ??
    identifyingLabels(e.k8s.labels)[Object.keys(identifyingLabels(e.k8s.labels))[0]] ??
    e.k8s.namespace
  );
}

function peerOf(self: ConnectionEnd, other: ConnectionEnd): NetworkPolicyPeer {
  const o = other.k8s;
  if (o.kind !== 'pod') {
    const ip = o.ip ?? '0.0.0.0';
    return { ipBlock: { cidr: ip.includes(':') ? `${ip}/128` : `${ip}/32` } };
  }
  const peer: NetworkPolicyPeer = { podSelector: { matchLabels: identifyingLabels(o.labels) } };
  if (self.k8s.kind === 'pod' && self.k8s.namespace !== o.namespace)
    peer.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': o.namespace } };
  return peer;
}

function policyFor(c: Connection, dir: 'ingress' | 'egress'): NetworkPolicy | undefined {
  const self = dir === 'ingress' ? c.destination : c.source;
  const other = dir === 'ingress' ? c.source : c.destination;
  if (self.k8s.kind !== 'pod') return undefined;
  const ports = c.protocol === 'ICMP' ? undefined : [{ protocol: c.protocol, port: c.port }];
  const rule = { [dir === 'ingress' ? 'from' : 'to']: [peerOf(self, other)], ...(ports ? { ports } : {}) };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: dnsName(
        `allow-${nameOf(c.source)}-to-${nameOf(c.destination)}-${c.protocol === 'ICMP' ? 'icmp' : c.port}`,
      ),
      namespace: self.k8s.namespace,
    },
    spec: {
      podSelector: { matchLabels: identifyingLabels(self.k8s.labels) },
      policyTypes: [dir === 'ingress' ? 'Ingress' : 'Egress'],
      ...(dir === 'ingress' ? { ingress: [rule] } : { egress: [rule] }),
    },
  };
}

/** A proposal: YAML documents and what they do. */
export interface Proposal {
  yaml: string;
  description: string;
  policies: NetworkPolicy[];
}

/**
 * The smallest policy (or two, when both directions deny) admitting the explained connection;
 * undefined when it is allowed, undetermined, or denied by an explicit deny rule.
 */
export function proposeRule(c: Connection, e: Explanation): Proposal | undefined {
  if (e.verdict !== 'denied') return undefined;
  const dirs = (['egress', 'ingress'] as const).filter((d) => e[d].verdict === 'denied');
  if (dirs.some((d) => e[d].policies.some((p) => p.outcome === 'denies'))) return undefined;
  const policies = dirs.map((d) => policyFor(c, d)).filter((p): p is NetworkPolicy => !!p);
  if (policies.length === 0) return undefined;
  const yaml = policies.map((p) => stringify(p, { lineWidth: 0 })).join('---\n');
  // The closest isolating policy with rules (explanations list it first) is where the rule belongs.
  const isolating = dirs.map((d) => {
    const p = e[d].policies.find((x) => x.isolates && x.rules.length > 0 && x.kind === 'NetworkPolicy');
    return p ? `${p.namespace}/${p.name}` : '';
  });
  const description =
    `Admits ${c.source.display} → ${c.destination.display} on ${c.protocol === 'ICMP' ? 'ICMP (a rule without ports: every port)' : `${c.port}/${c.protocol}`} and nothing else. ` +
    `Apply it as a new policy, or add its rule to ${isolating.filter(Boolean).join(' and ') || 'the isolating policy'}.`;
  return { yaml, description, policies };
}
