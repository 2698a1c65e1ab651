import { describe, expect, it } from 'vitest';
import { compilePolicies, evaluate } from './evaluate.js';
import { parseNetworkPolicy } from './parse.js';
import type { PodEndpoint, PolicyEndpoint, PolicyQuery } from './types.js';

function pod(
  namespace: string,
  labels: Record<string, string>,
  extra: Partial<PodEndpoint> = {},
): PodEndpoint {
  return {
    kind: 'pod',
    namespace,
    labels,
    namespaceLabels: {
      'kubernetes.io/metadata.name': namespace,
      ...(namespace === 'shop' ? { team: 'retail' } : {}),
    },
    ip: '10.244.0.9',
    ...extra,
  };
}

const frontend = pod('shop', { app: 'frontend' });
const backend = pod(
  'shop',
  { app: 'backend', tier: 'api' },
  { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
);
const monitor = pod('monitoring', { app: 'prometheus' });
const world = (ip: string): PolicyEndpoint => ({ kind: 'external', ip });

function np(namespace: string, name: string, spec: Record<string, unknown>) {
  return parseNetworkPolicy({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec,
  });
}

const q = (
  source: PolicyEndpoint,
  destination: PolicyEndpoint,
  port = 8080,
  protocol: PolicyQuery['protocol'] = 'TCP',
): PolicyQuery => ({ source, destination, port, protocol });

const backendOnly = { matchLabels: { app: 'backend' } };

const cases: Array<{
  name: string;
  policies: ReturnType<typeof np>[];
  query: PolicyQuery;
  want: boolean;
  deniedBy?: 'egress' | 'ingress';
}> = [
  { name: 'no policy allows everything', policies: [], query: q(frontend, backend), want: true },
  {
    name: 'ingress default deny denies',
    policies: [np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })],
    query: q(frontend, backend),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'policy in another namespace does not isolate',
    policies: [np('other', 'deny', { podSelector: {} })],
    query: q(frontend, backend),
    want: true,
  },
  {
    name: 'policy selecting other pods does not isolate',
    policies: [np('shop', 'deny', { podSelector: { matchLabels: { app: 'db' } } })],
    query: q(frontend, backend),
    want: true,
  },
  {
    name: 'podSelector peer allows same-namespace pod',
    policies: [
      np('shop', 'allow-fe', {
        podSelector: backendOnly,
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }] }],
      }),
    ],
    query: q(frontend, backend),
    want: true,
  },
  {
    name: 'podSelector peer does not match pods of other namespaces',
    policies: [
      np('shop', 'allow-fe', { podSelector: backendOnly, ingress: [{ from: [{ podSelector: {} }] }] }),
    ],
    query: q(monitor, backend),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'namespaceSelector peer matches any pod of the namespace',
    policies: [
      np('shop', 'allow-mon', {
        podSelector: backendOnly,
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] },
        ],
      }),
    ],
    query: q(monitor, backend),
    want: true,
  },
  {
    name: 'combined selectors need both to match',
    policies: [
      np('shop', 'and', {
        podSelector: backendOnly,
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'grafana' } } }] }],
      }),
    ],
    query: q(monitor, backend),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'two peers are ORed',
    policies: [
      np('shop', 'or', {
        podSelector: backendOnly,
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: 'nope' } } },
              { podSelector: { matchLabels: { app: 'frontend' } } },
            ],
          },
        ],
      }),
    ],
    query: q(frontend, backend),
    want: true,
  },
  {
    name: 'port mismatch denies',
    policies: [np('shop', 'p', { podSelector: backendOnly, ingress: [{ ports: [{ port: 9090 }] }] })],
    query: q(frontend, backend, 8080),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'protocol mismatch denies',
    policies: [
      np('shop', 'p', { podSelector: backendOnly, ingress: [{ ports: [{ port: 8080, protocol: 'UDP' }] }] }),
    ],
    query: q(frontend, backend, 8080),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'endPort range allows a port inside',
    policies: [
      np('shop', 'range', {
        podSelector: backendOnly,
        ingress: [{ ports: [{ port: 8000, endPort: 8100 }] }],
      }),
    ],
    query: q(frontend, backend, 8080),
    want: true,
  },
  {
    name: 'endPort range denies a port outside',
    policies: [
      np('shop', 'range', {
        podSelector: backendOnly,
        ingress: [{ ports: [{ port: 8000, endPort: 8079 }] }],
      }),
    ],
    query: q(frontend, backend, 8080),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'named port resolves against the destination pod',
    policies: [np('shop', 'named', { podSelector: backendOnly, ingress: [{ ports: [{ port: 'http' }] }] })],
    query: q(frontend, backend, 8080),
    want: true,
  },
  {
    name: 'named port of another number does not match',
    policies: [np('shop', 'named', { podSelector: backendOnly, ingress: [{ ports: [{ port: 'http' }] }] })],
    query: q(frontend, backend, 9090),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'egress default deny denies at the source',
    policies: [np('shop', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
    query: q(frontend, backend),
    want: false,
    deniedBy: 'egress',
  },
  {
    name: 'egress to DNS is allowed by a kube-dns rule',
    policies: [
      np('shop', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      np('shop', 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [{ port: 53, protocol: 'UDP' }],
          },
        ],
      }),
    ],
    query: q(frontend, pod('kube-system', { 'k8s-app': 'kube-dns' }), 53, 'UDP'),
    want: true,
  },
  {
    name: 'ipBlock allows world addresses in the cidr',
    policies: [
      np('shop', 'egress-world', {
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }],
      }),
    ],
    query: q(frontend, world('203.0.113.10'), 443),
    want: true,
  },
  {
    name: 'ipBlock except carves out addresses',
    policies: [
      np('shop', 'egress-world', {
        podSelector: {},
        egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }],
      }),
    ],
    query: q(frontend, world('203.0.113.200'), 443),
    want: false,
    deniedBy: 'egress',
  },
  {
    name: 'ipBlock does not match pod addresses (Cilium)',
    policies: [
      np('shop', 'cidr-only', {
        podSelector: backendOnly,
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
      }),
    ],
    query: q(frontend, backend),
    want: false,
    deniedBy: 'ingress',
  },
  {
    name: 'empty rule allows all',
    policies: [np('shop', 'allow-all', { podSelector: {}, ingress: [{}] })],
    query: q(world('198.51.100.1'), backend),
    want: true,
  },
  {
    name: 'matchExpressions NotIn matches pods without the key',
    policies: [
      np('shop', 'expr', {
        podSelector: backendOnly,
        ingress: [
          {
            from: [
              { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } },
            ],
          },
        ],
      }),
    ],
    query: q(frontend, backend),
    want: true,
  },
  {
    name: 'ICMP is only matched by rules without ports',
    policies: [np('shop', 'tcp-only', { podSelector: backendOnly, ingress: [{ ports: [{ port: 8080 }] }] })],
    query: q(frontend, backend, 0, 'ICMP'),
    want: false,
    deniedBy: 'ingress',
  },
];

describe('evaluate', () => {
  for (const c of cases) {
    it(c.name, () => {
      const d = evaluate(compilePolicies(c.policies), c.query);
      expect(d.allowed).toBe(c.want);
      expect(d.deniedBy).toBe(c.deniedBy);
      expect(d.reason).toMatch(c.want ? /^allowed/ : /^denied on/);
    });
  }

  it('names the selecting and allowing policies', () => {
    const pols = [
      np('shop', 'deny', { podSelector: {} }),
      np('shop', 'allow-fe', {
        podSelector: backendOnly,
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }],
      }),
    ];
    const d = evaluate(pols, q(frontend, backend));
    expect(d.ingress.selectedBy.map((r) => r.name)).toEqual(['deny', 'allow-fe']);
    expect(d.ingress.allowedBy.map((r) => r.name)).toEqual(['allow-fe']);
    expect(d.ingress.matchType).toBe('L3-L4');
    expect(d.egress.isolated).toBe(false);
  });

  it('ipBlock matches pods when the option says so', () => {
    const pols = [
      np('shop', 'cidr', {
        podSelector: backendOnly,
        ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }],
      }),
    ];
    expect(evaluate(pols, q(frontend, backend), { ipBlockMatchesPods: true }).allowed).toBe(true);
  });
});
