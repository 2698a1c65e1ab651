/**
 * Kubernetes NetworkPolicy semantics, as a table: the examples of the NetworkPolicy
 * documentation and the tricky corners (empty selectors, `{}` versus missing, namespace and pod
 * selectors in one peer versus two peers, ipBlock `except`, named ports, endPort, egress to
 * DNS, policyTypes defaulting, additivity). Every case is checked against both evaluators:
 * the simulator's `evaluate` (evaluate.ts) and the explainer (explain.ts), which must agree
 * with Kubernetes and with each other.
 */
import { describe, expect, it } from 'vitest';
import {
  addObject,
  emptyCatalog,
  explainConnection,
  type Connection,
  type ConnectionEnd,
  type PolicyCatalog,
} from './analysis.js';
import { evaluate } from './evaluate.js';
import { parseNetworkPolicy } from './parse.js';
import type { NamedPort, PolicyEndpoint, PolicyProtocol } from './types.js';

type Labels = Record<string, string>;

/** Namespaces of the test cluster and their labels. */
const NAMESPACES: Record<string, Labels> = {
  default: {},
  prod: { env: 'prod', team: 'a' },
  dev: { env: 'dev', team: 'b' },
  'kube-system': {},
  monitoring: { purpose: 'monitoring', team: 'a' },
  myproject: { project: 'myproject' },
};

interface Pod {
  ns: string;
  labels: Labels;
  ip?: string;
  ports?: NamedPort[];
}

type End = Pod | { ip: string };

interface Case {
  name: string;
  policies: unknown[];
  from: End;
  to: End;
  port: number;
  protocol?: PolicyProtocol | 'ICMP';
  want: 'allowed' | 'denied';
  /** Which direction denies, when `want` is denied. */
  by?: 'egress' | 'ingress';
}

let ipSeq = 0;
const pod = (ns: string, labels: Labels, extra: Partial<Pod> = {}): Pod => ({
  ns,
  labels,
  ip: `10.244.${Math.floor(ipSeq / 200)}.${(ipSeq++ % 200) + 10}`,
  ...extra,
});
const ext = (ip: string): End => ({ ip });

const np = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const denyAllIngress = (ns: string) =>
  np(ns, 'deny-all-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const denyAllEgress = (ns: string) => np(ns, 'deny-all-egress', { podSelector: {}, policyTypes: ['Egress'] });
const allowIngress = (
  ns: string,
  sel: Labels,
  from: unknown[] | undefined,
  ports?: unknown[],
  name = 'allow',
) =>
  np(ns, name, {
    podSelector: { matchLabels: sel },
    ingress: [{ ...(from ? { from } : {}), ...(ports ? { ports } : {}) }],
  });
const allowEgress = (
  ns: string,
  sel: Labels,
  to: unknown[] | undefined,
  ports?: unknown[],
  name = 'allow-egress',
) =>
  np(ns, name, {
    podSelector: { matchLabels: sel },
    policyTypes: ['Egress'],
    egress: [{ ...(to ? { to } : {}), ...(ports ? { ports } : {}) }],
  });

const web = pod('prod', { app: 'web' });
const api = pod(
  'prod',
  { app: 'api', tier: 'backend' },
  {
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
      { name: 'dns-ish', port: 5353, protocol: 'UDP' },
    ],
  },
);
const db = pod('prod', { app: 'db', role: 'db' });
const devWeb = pod('dev', { app: 'web' });
const devTool = pod('dev', { app: 'tool', role: 'frontend' });
const mon = pod('monitoring', { app: 'prometheus' });
const dns = pod(
  'kube-system',
  { 'k8s-app': 'kube-dns' },
  {
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
  },
);
const frontendMy = pod('myproject', { role: 'frontend' });
const redis = pod('default', { role: 'db' }, { ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }] });
const frontendDefault = pod('default', { role: 'frontend' });
const other = pod('default', { role: 'other' });

/** The `test-network-policy` example of the Kubernetes documentation. */
const DOC_EXAMPLE = np('default', 'test-network-policy', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
});

const cases: Case[] = [
  // No policies: everything is allowed.
  {
    name: 'no policy > pod to pod same namespace',
    policies: [],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'no policy > pod to pod other namespace',
    policies: [],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'no policy > pod to world',
    policies: [],
    from: web,
    to: ext('8.8.8.8'),
    port: 443,
    want: 'allowed',
  },
  {
    name: 'no policy > world to pod',
    policies: [],
    from: ext('203.0.113.9'),
    to: web,
    port: 80,
    want: 'allowed',
  },
  { name: 'no policy > UDP', policies: [], from: web, to: dns, port: 53, protocol: 'UDP', want: 'allowed' },
  { name: 'no policy > ICMP', policies: [], from: web, to: api, port: 0, protocol: 'ICMP', want: 'allowed' },

  // Default deny ingress ({} selects every pod of the namespace).
  {
    name: 'default deny ingress > blocks same namespace',
    policies: [denyAllIngress('prod')],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'default deny ingress > blocks other namespace',
    policies: [denyAllIngress('prod')],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'default deny ingress > blocks world',
    policies: [denyAllIngress('prod')],
    from: ext('203.0.113.9'),
    to: web,
    port: 80,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'default deny ingress > egress from the namespace still allowed',
    policies: [denyAllIngress('prod')],
    from: web,
    to: devWeb,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'default deny ingress > other namespaces unaffected',
    policies: [denyAllIngress('prod')],
    from: web,
    to: devTool,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'default deny ingress > blocks ICMP',
    policies: [denyAllIngress('prod')],
    from: devWeb,
    to: api,
    port: 0,
    protocol: 'ICMP',
    want: 'denied',
    by: 'ingress',
  },

  // Default deny egress.
  {
    name: 'default deny egress > blocks pod to pod',
    policies: [denyAllEgress('prod')],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'default deny egress > blocks DNS',
    policies: [denyAllEgress('prod')],
    from: web,
    to: dns,
    port: 53,
    protocol: 'UDP',
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'default deny egress > blocks world',
    policies: [denyAllEgress('prod')],
    from: web,
    to: ext('8.8.8.8'),
    port: 443,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'default deny egress > ingress into the namespace still allowed',
    policies: [denyAllEgress('prod')],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'default deny both > egress checked first',
    policies: [denyAllIngress('prod'), denyAllEgress('prod')],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'egress',
  },

  // Allow all ingress `ingress: [{}]` versus deny all (missing / empty ingress).
  {
    name: '{} versus missing > ingress: [{}] allows everything',
    policies: [np('prod', 'allow-all', { podSelector: {}, ingress: [{}] })],
    from: devWeb,
    to: api,
    port: 1234,
    want: 'allowed',
  },
  {
    name: '{} versus missing > ingress: [{}] allows world',
    policies: [np('prod', 'allow-all', { podSelector: {}, ingress: [{}] })],
    from: ext('198.51.100.1'),
    to: api,
    port: 80,
    want: 'allowed',
  },
  {
    name: '{} versus missing > ingress: [] denies everything',
    policies: [np('prod', 'deny', { podSelector: {}, ingress: [] })],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: '{} versus missing > no ingress field denies everything',
    policies: [np('prod', 'deny', { podSelector: {} })],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: '{} versus missing > egress: [{}] allows everything',
    policies: [np('prod', 'allow-all-eg', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })],
    from: web,
    to: ext('8.8.8.8'),
    port: 443,
    want: 'allowed',
  },
  {
    name: '{} versus missing > from: [] in a rule means every source',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [], ports: [{ port: 8080 }] }],
      }),
    ],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: '{} versus missing > ports: [] in a rule means every port',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [] }],
      }),
    ],
    from: web,
    to: api,
    port: 9999,
    want: 'allowed',
  },
  {
    name: '{} versus missing > podSelector {} in a peer selects all pods of the policy namespace',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: {} }])],
    from: db,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: '{} versus missing > podSelector {} in a peer excludes other namespaces',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: {} }])],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: '{} versus missing > namespaceSelector {} selects pods of every namespace',
    policies: [allowIngress('prod', { app: 'api' }, [{ namespaceSelector: {} }])],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: '{} versus missing > namespaceSelector {} does not select world',
    policies: [allowIngress('prod', { app: 'api' }, [{ namespaceSelector: {} }])],
    from: ext('203.0.113.5'),
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: '{} versus missing > podSelector {} peer does not select world',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: {} }])],
    from: ext('203.0.113.5'),
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },

  // podSelector peers.
  {
    name: 'podSelector > matching label admitted',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }])],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'podSelector > non-matching label denied',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }])],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'podSelector > same labels in another namespace denied',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }])],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'podSelector > all matchLabels must match',
    policies: [
      allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web', tier: 'fe' } } }]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'podSelector > policy selects only its pods',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }])],
    from: web,
    to: db,
    port: 5432,
    want: 'allowed',
  },
  {
    name: 'podSelector > policy of another namespace does not apply',
    policies: [denyAllIngress('dev')],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },

  // namespaceSelector peers.
  {
    name: 'namespaceSelector > matching namespace admitted',
    policies: [
      allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { env: 'dev' } } }]),
    ],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'namespaceSelector > non-matching namespace denied',
    policies: [
      allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { env: 'dev' } } }]),
    ],
    from: mon,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'namespaceSelector > own namespace only if it matches',
    policies: [
      allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { env: 'dev' } } }]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'namespaceSelector > by kubernetes.io/metadata.name',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ]),
    ],
    from: mon,
    to: api,
    port: 9090,
    want: 'allowed',
  },
  {
    name: 'namespaceSelector > kubernetes.io/metadata.name of another namespace',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ]),
    ],
    from: devWeb,
    to: api,
    port: 9090,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'namespaceSelector > label shared by two namespaces',
    policies: [allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { team: 'a' } } }])],
    from: mon,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'namespaceSelector > shared label admits the own namespace',
    policies: [allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { team: 'a' } } }])],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },

  // Namespace and pod selectors in one peer (AND) versus two peers (OR).
  {
    name: 'one peer AND > both match',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'one peer AND > namespace matches, pod does not',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: devTool,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'one peer AND > pod matches, namespace does not',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'two peers OR > namespace matches',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } } },
        { podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: devTool,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'two peers OR > pod matches in own namespace',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } } },
        { podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'two peers OR > neither',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'dev' } } },
        { podSelector: { matchLabels: { app: 'web' } } },
      ]),
    ],
    from: mon,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'two peers OR > pod label in another namespace is not the podSelector peer',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchLabels: { env: 'qa' } } },
        { podSelector: { matchLabels: { app: 'prometheus' } } },
      ]),
    ],
    from: mon,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'namespaceSelector {} AND podSelector > matching pod in any namespace',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } },
      ]),
    ],
    from: mon,
    to: api,
    port: 9090,
    want: 'allowed',
  },
  {
    name: 'namespaceSelector {} AND podSelector > other pods denied',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } },
      ]),
    ],
    from: devWeb,
    to: api,
    port: 9090,
    want: 'denied',
    by: 'ingress',
  },

  // matchExpressions.
  {
    name: 'matchExpressions > In matches',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'db'] }] } },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'matchExpressions > In does not match',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > NotIn matches a missing key',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['db'] }] } },
      ]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'matchExpressions > NotIn excludes',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['db'] }] } },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > Exists',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }] } },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'matchExpressions > Exists fails without the key',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }] } },
      ]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > DoesNotExist',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] } },
      ]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'matchExpressions > DoesNotExist fails with the key',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'DoesNotExist' }] } },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > on namespaces',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'qa'] }] } },
      ]),
    ],
    from: devTool,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'matchExpressions > combined with matchLabels (AND)',
    policies: [
      allowIngress('prod', { app: 'api' }, [
        {
          podSelector: {
            matchLabels: { app: 'db' },
            matchExpressions: [{ key: 'role', operator: 'In', values: ['cache'] }],
          },
        },
      ]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > policy podSelector',
    policies: [
      np('prod', 'p', {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] },
        ingress: [],
      }),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'matchExpressions > policy podSelector not selecting',
    policies: [
      np('prod', 'p', {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] },
        ingress: [],
      }),
    ],
    from: web,
    to: db,
    port: 5432,
    want: 'allowed',
  },

  // ipBlock (Cilium semantics: only addresses outside the cluster's pods).
  {
    name: 'ipBlock > inside cidr admitted',
    policies: [allowIngress('prod', { app: 'web' }, [{ ipBlock: { cidr: '203.0.113.0/24' } }])],
    from: ext('203.0.113.7'),
    to: web,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'ipBlock > outside cidr denied',
    policies: [allowIngress('prod', { app: 'web' }, [{ ipBlock: { cidr: '203.0.113.0/24' } }])],
    from: ext('198.51.100.7'),
    to: web,
    port: 80,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ipBlock > except excludes',
    policies: [
      allowIngress('prod', { app: 'web' }, [
        { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.0/28'] } },
      ]),
    ],
    from: ext('203.0.113.7'),
    to: web,
    port: 80,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ipBlock > outside the except admitted',
    policies: [
      allowIngress('prod', { app: 'web' }, [
        { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.0/28'] } },
      ]),
    ],
    from: ext('203.0.113.77'),
    to: web,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'ipBlock > 0.0.0.0/0 admits any world address',
    policies: [allowIngress('prod', { app: 'web' }, [{ ipBlock: { cidr: '0.0.0.0/0' } }])],
    from: ext('192.0.2.1'),
    to: web,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'ipBlock > does not match pod addresses',
    policies: [allowIngress('prod', { app: 'api' }, [{ ipBlock: { cidr: '10.244.0.0/16' } }])],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ipBlock > egress to a CIDR',
    policies: [allowEgress('prod', { app: 'web' }, [{ ipBlock: { cidr: '8.8.8.0/24' } }])],
    from: web,
    to: ext('8.8.8.8'),
    port: 443,
    want: 'allowed',
  },
  {
    name: 'ipBlock > egress outside the CIDR',
    policies: [allowEgress('prod', { app: 'web' }, [{ ipBlock: { cidr: '8.8.8.0/24' } }])],
    from: web,
    to: ext('1.1.1.1'),
    port: 443,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'ipBlock > egress 0.0.0.0/0 except private ranges',
    policies: [
      allowEgress('prod', { app: 'web' }, [
        { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } },
      ]),
    ],
    from: web,
    to: ext('192.168.1.5'),
    port: 443,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'ipBlock > egress 0.0.0.0/0 except private ranges admits public',
    policies: [
      allowEgress('prod', { app: 'web' }, [
        { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } },
      ]),
    ],
    from: web,
    to: ext('20.81.111.85'),
    port: 443,
    want: 'allowed',
  },
  {
    name: 'ipBlock > IPv6',
    policies: [allowEgress('prod', { app: 'web' }, [{ ipBlock: { cidr: '2603:1030::/32' } }])],
    from: web,
    to: ext('2603:1030:20e:3::23c'),
    port: 443,
    want: 'allowed',
  },
  {
    name: 'ipBlock > IPv4 block does not match IPv6',
    policies: [allowEgress('prod', { app: 'web' }, [{ ipBlock: { cidr: '0.0.0.0/0' } }])],
    from: web,
    to: ext('2603:1030:20e:3::23c'),
    port: 443,
    want: 'denied',
    by: 'egress',
  },

  // Ports: numeric, protocol, ranges, named.
  {
    name: 'ports > listed port admitted',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 8080 }])],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'ports > other port denied',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 8080 }])],
    from: web,
    to: api,
    port: 9090,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > protocol defaults to TCP',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 5353 }])],
    from: web,
    to: api,
    port: 5353,
    protocol: 'UDP',
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > UDP listed',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 5353, protocol: 'UDP' }])],
    from: web,
    to: api,
    port: 5353,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'ports > protocol without port admits all ports of it',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ protocol: 'UDP' }])],
    from: web,
    to: api,
    port: 12345,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'ports > protocol without port excludes others',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ protocol: 'UDP' }])],
    from: web,
    to: api,
    port: 12345,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > endPort range start',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 32000, endPort: 32768 }])],
    from: web,
    to: api,
    port: 32000,
    want: 'allowed',
  },
  {
    name: 'ports > endPort range end',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 32000, endPort: 32768 }])],
    from: web,
    to: api,
    port: 32768,
    want: 'allowed',
  },
  {
    name: 'ports > endPort range outside',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 32000, endPort: 32768 }])],
    from: web,
    to: api,
    port: 32769,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > named port resolves',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 'http' }])],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'ports > named port other number',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 'http' }])],
    from: web,
    to: api,
    port: 9090,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > named port of another name',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 'metrics' }])],
    from: web,
    to: api,
    port: 9090,
    want: 'allowed',
  },
  {
    name: 'ports > named port needs the protocol too',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 'dns-ish' }])],
    from: web,
    to: api,
    port: 5353,
    protocol: 'UDP',
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > named port with protocol',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 'dns-ish', protocol: 'UDP' }])],
    from: web,
    to: api,
    port: 5353,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'ports > one of several ports',
    policies: [
      allowIngress('prod', { app: 'api' }, undefined, [{ port: 80 }, { port: 443 }, { port: 8080 }]),
    ],
    from: web,
    to: api,
    port: 443,
    want: 'allowed',
  },
  {
    name: 'ports > ICMP is not admitted by a port rule',
    policies: [allowIngress('prod', { app: 'api' }, undefined, [{ port: 8080 }])],
    from: web,
    to: api,
    port: 0,
    protocol: 'ICMP',
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > ICMP admitted by a rule without ports',
    policies: [allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }])],
    from: web,
    to: api,
    port: 0,
    protocol: 'ICMP',
    want: 'allowed',
  },
  {
    name: 'ports > peer and port must both match in one rule',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090 }] }],
      }),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'ports > rules are ORed',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 8080 }] },
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090 }] },
        ],
      }),
    ],
    from: web,
    to: api,
    port: 9090,
    want: 'allowed',
  },
  {
    name: 'ports > rules are ORed but not mixed',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 8080 }] },
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 9090 }] },
        ],
      }),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },

  // Egress to DNS.
  {
    name: 'egress DNS > allowed to kube-dns on UDP 53',
    policies: [
      denyAllEgress('prod'),
      allowEgress(
        'prod',
        {},
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        'allow-dns',
      ),
    ],
    from: web,
    to: dns,
    port: 53,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'egress DNS > TCP 53 too',
    policies: [
      denyAllEgress('prod'),
      allowEgress(
        'prod',
        {},
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
        'allow-dns',
      ),
    ],
    from: web,
    to: dns,
    port: 53,
    protocol: 'TCP',
    want: 'allowed',
  },
  {
    name: 'egress DNS > other ports to kube-dns denied',
    policies: [
      denyAllEgress('prod'),
      allowEgress(
        'prod',
        {},
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        [{ port: 53, protocol: 'UDP' }],
        'allow-dns',
      ),
    ],
    from: web,
    to: dns,
    port: 9153,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'egress DNS > everything else still denied',
    policies: [
      denyAllEgress('prod'),
      allowEgress(
        'prod',
        {},
        [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        [{ port: 53, protocol: 'UDP' }],
        'allow-dns',
      ),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'egress DNS > podSelector only does not reach kube-system',
    policies: [
      denyAllEgress('prod'),
      allowEgress(
        'prod',
        {},
        [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        [{ port: 53, protocol: 'UDP' }],
        'allow-dns',
      ),
    ],
    from: web,
    to: dns,
    port: 53,
    protocol: 'UDP',
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'egress DNS > port only (any destination) on 53',
    policies: [
      denyAllEgress('prod'),
      allowEgress('prod', {}, undefined, [{ port: 53, protocol: 'UDP' }], 'allow-dns'),
    ],
    from: web,
    to: dns,
    port: 53,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'egress DNS > port only also admits world DNS',
    policies: [
      denyAllEgress('prod'),
      allowEgress('prod', {}, undefined, [{ port: 53, protocol: 'UDP' }], 'allow-dns'),
    ],
    from: web,
    to: ext('8.8.8.8'),
    port: 53,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'egress DNS > ingress policy of kube-system still applies',
    policies: [
      allowEgress('prod', {}, undefined, [{ port: 53, protocol: 'UDP' }]),
      denyAllIngress('kube-system'),
    ],
    from: web,
    to: dns,
    port: 53,
    protocol: 'UDP',
    want: 'denied',
    by: 'ingress',
  },

  // policyTypes.
  {
    name: 'policyTypes > defaulted to Ingress: egress unrestricted',
    policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] })],
    from: web,
    to: devWeb,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'policyTypes > defaulted to Ingress and Egress when egress rules exist',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'web' } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
      }),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'policyTypes > defaulted egress admits its rule',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'web' } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
      }),
    ],
    from: web,
    to: db,
    port: 5432,
    want: 'allowed',
  },
  {
    name: 'policyTypes > defaulted Ingress isolates ingress too',
    policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'web' } }, egress: [{}] })],
    from: devWeb,
    to: web,
    port: 80,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'policyTypes > Egress only: ingress unrestricted',
    policies: [np('prod', 'p', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] })],
    from: devWeb,
    to: web,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'policyTypes > Egress only with ingress rules ignores them',
    policies: [
      np('prod', 'p', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }],
      }),
    ],
    from: devWeb,
    to: web,
    port: 80,
    want: 'allowed',
  },

  // Additivity: several policies.
  {
    name: 'additive > deny all plus allow admits the allowed',
    policies: [
      denyAllIngress('prod'),
      allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }]),
    ],
    from: web,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'additive > deny all plus allow still denies the rest',
    policies: [
      denyAllIngress('prod'),
      allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'web' } } }]),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'additive > two allows union',
    policies: [
      allowIngress(
        'prod',
        { app: 'api' },
        [{ podSelector: { matchLabels: { app: 'web' } } }],
        undefined,
        'a',
      ),
      allowIngress('prod', { app: 'api' }, [{ podSelector: { matchLabels: { app: 'db' } } }], undefined, 'b'),
    ],
    from: db,
    to: api,
    port: 8080,
    want: 'allowed',
  },
  {
    name: 'additive > an allow for other pods does not help',
    policies: [denyAllIngress('prod'), allowIngress('prod', { app: 'db' }, [{ podSelector: {} }])],
    from: web,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'additive > both directions must allow',
    policies: [
      allowEgress('dev', { app: 'web' }, [{ namespaceSelector: { matchLabels: { env: 'prod' } } }]),
      denyAllIngress('prod'),
    ],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'additive > both directions allow',
    policies: [
      allowEgress('dev', { app: 'web' }, [{ namespaceSelector: { matchLabels: { env: 'prod' } } }]),
      allowIngress('prod', { app: 'api' }, [{ namespaceSelector: { matchLabels: { env: 'dev' } } }]),
    ],
    from: devWeb,
    to: api,
    port: 8080,
    want: 'allowed',
  },

  // The documentation's test-network-policy example.
  {
    name: 'docs example > ipBlock source on 6379',
    policies: [DOC_EXAMPLE],
    from: ext('172.17.0.5'),
    to: redis,
    port: 6379,
    want: 'allowed',
  },
  {
    name: 'docs example > excepted subnet',
    policies: [DOC_EXAMPLE],
    from: ext('172.17.1.5'),
    to: redis,
    port: 6379,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'docs example > namespace myproject',
    policies: [DOC_EXAMPLE],
    from: frontendMy,
    to: redis,
    port: 6379,
    want: 'allowed',
  },
  {
    name: 'docs example > role=frontend in default',
    policies: [DOC_EXAMPLE],
    from: frontendDefault,
    to: redis,
    port: 6379,
    want: 'allowed',
  },
  {
    name: 'docs example > role=frontend in another namespace',
    policies: [DOC_EXAMPLE],
    from: devTool,
    to: redis,
    port: 6379,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'docs example > other pod',
    policies: [DOC_EXAMPLE],
    from: other,
    to: redis,
    port: 6379,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'docs example > wrong port',
    policies: [DOC_EXAMPLE],
    from: frontendDefault,
    to: redis,
    port: 6380,
    want: 'denied',
    by: 'ingress',
  },
  {
    name: 'docs example > egress to 10.0.0.0/24 on 5978',
    policies: [DOC_EXAMPLE],
    from: redis,
    to: ext('10.0.0.9'),
    port: 5978,
    want: 'allowed',
  },
  {
    name: 'docs example > egress elsewhere',
    policies: [DOC_EXAMPLE],
    from: redis,
    to: ext('10.0.1.9'),
    port: 5978,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'docs example > egress to a pod',
    policies: [DOC_EXAMPLE],
    from: redis,
    to: frontendDefault,
    port: 5978,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'docs example > pods it does not select are free',
    policies: [DOC_EXAMPLE],
    from: other,
    to: frontendDefault,
    port: 1,
    want: 'allowed',
  },
  // Docs: "allow all ingress traffic" and "deny all egress" idioms.
  {
    name: 'docs idiom > allow-all-ingress over default deny',
    policies: [
      denyAllIngress('prod'),
      np('prod', 'allow-all-ingress', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }),
    ],
    from: devTool,
    to: db,
    port: 5432,
    want: 'allowed',
  },
  {
    name: 'docs idiom > allow-all-egress over default deny',
    policies: [
      denyAllEgress('prod'),
      np('prod', 'allow-all-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] }),
    ],
    from: db,
    to: ext('1.1.1.1'),
    port: 443,
    want: 'allowed',
  },
  {
    name: 'docs idiom > default deny all (both types)',
    policies: [np('prod', 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    from: db,
    to: web,
    port: 80,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'docs idiom > endPort example',
    policies: [
      np('prod', 'multi-port-egress', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
            ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
          },
        ],
      }),
    ],
    from: web,
    to: ext('10.0.0.3'),
    port: 32100,
    want: 'allowed',
  },
  {
    name: 'docs idiom > endPort example outside',
    policies: [
      np('prod', 'multi-port-egress', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
            ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
          },
        ],
      }),
    ],
    from: web,
    to: ext('10.0.0.3'),
    port: 31999,
    want: 'denied',
    by: 'egress',
  },
  {
    name: 'docs idiom > namespace by name label',
    policies: [
      allowIngress('prod', { app: 'db' }, [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } },
      ]),
    ],
    from: web,
    to: db,
    port: 5432,
    want: 'allowed',
  },
];

function endOf(e: End, catalog: PolicyCatalog): ConnectionEnd {
  if (!('ns' in e)) {
    const k8s: PolicyEndpoint = { kind: 'external', ip: e.ip, name: e.ip };
    return {
      k8s,
      cilium: { labels: ['reserved:world'], isPod: false, reserved: ['world'], ip: e.ip },
      display: e.ip,
    };
  }
  const namespaceLabels = { ...(catalog.namespaces.get(e.ns) ?? { 'kubernetes.io/metadata.name': e.ns }) };
  const k8s: PolicyEndpoint = {
    kind: 'pod',
    namespace: e.ns,
    labels: e.labels,
    namespaceLabels,
    ip: e.ip,
    ports: e.ports,
    name: `${e.ns}/${Object.values(e.labels).join('-')}`,
  };
  const labels = [
    ...Object.entries(e.labels).map(([k, v]) => `k8s:${k}=${v}`),
    `k8s:io.kubernetes.pod.namespace=${e.ns}`,
    ...Object.entries(namespaceLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
  ];
  return {
    k8s,
    cilium: { labels, namespace: e.ns, ip: e.ip, isPod: true, reserved: [], ports: e.ports },
    display: k8s.name!,
  };
}

function catalogOf(policies: unknown[]): PolicyCatalog {
  const c = emptyCatalog();
  for (const [name, labels] of Object.entries(NAMESPACES))
    addObject(c, { kind: 'Namespace', metadata: { name, labels } }, { file: 'test', document: 0 });
  policies.forEach((p, i) => addObject(c, p, { file: 'test', document: i + 1 }));
  expect(c.errors).toEqual([]);
  return c;
}

describe('NetworkPolicy semantics table', () => {
  it('has at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(c.name, () => {
      const catalog = catalogOf(c.policies);
      const conn: Connection = {
        source: endOf(c.from, catalog),
        destination: endOf(c.to, catalog),
        protocol: c.protocol ?? 'TCP',
        port: c.port,
      };
      // The simulator's evaluator.
      const d = evaluate(
        c.policies.map((p) => parseNetworkPolicy(p)),
        {
          source: conn.source.k8s,
          destination: conn.destination.k8s,
          protocol: conn.protocol,
          port: conn.port,
        },
      );
      expect(d.allowed ? 'allowed' : 'denied', d.reason).toBe(c.want);
      if (c.want === 'denied' && c.by) expect(d.deniedBy).toBe(c.by);
      // The explainer.
      const e = explainConnection(catalog, conn);
      expect(e.verdict, e.summary).toBe(c.want);
      if (c.want === 'denied' && c.by) expect(e.deniedBy).toBe(c.by);
      // A denial always comes with a reason naming a policy or a rule.
      if (c.want === 'denied') expect(e[e.deniedBy!].policies.length).toBeGreaterThan(0);
    });
  }
});
