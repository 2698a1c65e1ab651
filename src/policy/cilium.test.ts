/**
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy L3/L4: parsing and verdicts through the
 * explainer, table-driven, including the cases where flows cannot settle the answer.
 */
import { describe, expect, it } from 'vitest';
import {
  addObject,
  emptyCatalog,
  endFromFlow,
  explainConnection,
  parseCiliumPolicy,
  type Connection,
  type PolicyCatalog,
} from './analysis.js';
import type { Endpoint } from '../flow/index.js';

const cnp = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const ccnp = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumClusterwideNetworkPolicy',
  metadata: { name },
  spec,
});

function podEp(ns: string, labels: Record<string, string>, nsLabels: Record<string, string> = {}): Endpoint {
  return {
    namespace: ns,
    pod_name: `${Object.values(labels)[0] ?? 'pod'}-0`,
    labels: [
      ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
      `k8s:io.kubernetes.pod.namespace=${ns}`,
      ...Object.entries(nsLabels).map(([k, v]) => `k8s:io.cilium.k8s.namespace.labels.${k}=${v}`),
    ],
  };
}

const star = { ns: 'starwars', labels: { org: 'empire', class: 'deathstar' } };
const tie = { ns: 'starwars', labels: { org: 'empire', class: 'tiefighter' } };
const xwing = { ns: 'starwars', labels: { org: 'alliance', class: 'xwing' } };
const outsider = {
  ns: 'other',
  labels: { org: 'empire', class: 'tiefighter' },
  nsLabels: { team: 'imperial' },
};

type Side =
  | { ns: string; labels: Record<string, string>; nsLabels?: Record<string, string> }
  | { ip: string; names?: string[]; reserved?: string };

function conn(
  catalog: PolicyCatalog,
  from: Side,
  to: Side,
  port: number,
  protocol: Connection['protocol'] = 'TCP',
): Connection {
  const end = (s: Side, isDst: boolean) =>
    'ns' in s
      ? endFromFlow(catalog, podEp(s.ns, s.labels, s.nsLabels), '10.0.0.1')
      : endFromFlow(
          catalog,
          { labels: [`reserved:${s.reserved ?? 'world'}`], identity: s.reserved === 'host' ? 1 : 2 },
          s.ip,
          isDst ? { names: s.names } : {},
        );
  return { source: end(from, false), destination: end(to, true), protocol, port };
}

interface Case {
  name: string;
  policies: unknown[];
  from: Side;
  to: Side;
  port: number;
  protocol?: Connection['protocol'];
  want: 'allowed' | 'denied' | 'unknown';
}

const l34 = cnp('starwars', 'rule1', {
  endpointSelector: { matchLabels: { org: 'empire', class: 'deathstar' } },
  ingress: [
    {
      fromEndpoints: [{ matchLabels: { org: 'empire' } }],
      toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }],
    },
  ],
});

const cases: Case[] = [
  {
    name: 'starwars > empire to deathstar on 80',
    policies: [l34],
    from: tie,
    to: star,
    port: 80,
    want: 'allowed',
  },
  { name: 'starwars > alliance denied', policies: [l34], from: xwing, to: star, port: 80, want: 'denied' },
  {
    name: 'starwars > empire on another port denied',
    policies: [l34],
    from: tie,
    to: star,
    port: 443,
    want: 'denied',
  },
  {
    name: 'starwars > fromEndpoints limited to the policy namespace',
    policies: [l34],
    from: outsider,
    to: star,
    port: 80,
    want: 'denied',
  },
  {
    name: 'starwars > not selected endpoint free',
    policies: [l34],
    from: xwing,
    to: tie,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'namespace label in fromEndpoints crosses namespaces',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'other' } }] }],
      }),
    ],
    from: outsider,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'namespace-labels key crosses namespaces',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [
          { fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'imperial' } }] },
        ],
      }),
    ],
    from: outsider,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'ingress [{}] is default deny',
    policies: [cnp('starwars', 'p', { endpointSelector: {}, ingress: [{}] })],
    from: tie,
    to: star,
    port: 80,
    want: 'denied',
  },
  {
    name: 'toPorts only allows any peer',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ toPorts: [{ ports: [{ port: '80' }] }] }],
      }),
    ],
    from: outsider,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'protocol ANY matches UDP',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }] }],
      }),
    ],
    from: tie,
    to: star,
    port: 53,
    protocol: 'UDP',
    want: 'allowed',
  },
  {
    name: 'fromEntities world',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEntities: ['world'] }],
      }),
    ],
    from: { ip: '203.0.113.4' },
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'fromEntities world does not admit pods',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEntities: ['world'] }],
      }),
    ],
    from: tie,
    to: star,
    port: 80,
    want: 'denied',
  },
  {
    name: 'fromEntities cluster admits pods of any namespace',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEntities: ['cluster'] }],
      }),
    ],
    from: outsider,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'fromEntities host',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEntities: ['host'] }],
      }),
    ],
    from: { ip: '10.224.0.4', reserved: 'host' },
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'toCIDR admits the block',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toCIDR: ['20.81.0.0/16'] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85' },
    port: 443,
    want: 'allowed',
  },
  {
    name: 'toCIDRSet except excludes',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toCIDRSet: [{ cidr: '20.81.0.0/16', except: ['20.81.111.0/24'] }] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85' },
    port: 443,
    want: 'denied',
  },
  {
    name: 'toFQDNs matchName with the flow’s destination names',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toFQDNs: [{ matchName: 'api.contoso.com' }] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85', names: ['api.contoso.com'] },
    port: 443,
    want: 'allowed',
  },
  {
    name: 'toFQDNs matchPattern',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toFQDNs: [{ matchPattern: '*.contoso.com' }] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85', names: ['login.contoso.com.'] },
    port: 443,
    want: 'allowed',
  },
  {
    name: 'toFQDNs other name denied',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toFQDNs: [{ matchPattern: '*.contoso.com' }] }],
      }),
    ],
    from: tie,
    to: { ip: '1.1.1.1', names: ['one.one.one.one'] },
    port: 443,
    want: 'denied',
  },
  {
    name: 'toFQDNs without names cannot be judged',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toFQDNs: [{ matchName: 'api.contoso.com' }] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85' },
    port: 443,
    want: 'unknown',
  },
  {
    name: 'egressDeny wins over an allow',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'tiefighter' } },
        egress: [{ toEntities: ['all'] }],
        egressDeny: [{ toCIDR: ['20.81.0.0/16'] }],
      }),
    ],
    from: tie,
    to: { ip: '20.81.111.85' },
    port: 443,
    want: 'denied',
  },
  {
    name: 'ingressDeny over a NetworkPolicy allow',
    policies: [
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow', namespace: 'starwars' },
        spec: { podSelector: {}, ingress: [{}] },
      },
      cnp('starwars', 'deny-alliance', {
        endpointSelector: {},
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { org: 'alliance' } }] }],
      }),
    ],
    from: xwing,
    to: star,
    port: 80,
    want: 'denied',
  },
  {
    name: 'enableDefaultDeny false only adds allows',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: {},
        enableDefaultDeny: { ingress: false },
        ingress: [{ fromEndpoints: [{ matchLabels: { org: 'empire' } }] }],
      }),
    ],
    from: xwing,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'named port without container ports cannot be judged',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ toPorts: [{ ports: [{ port: 'http' }] }] }],
      }),
    ],
    from: tie,
    to: star,
    port: 80,
    want: 'unknown',
  },
  {
    name: 'fromRequires cannot be judged',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromRequires: [{ matchLabels: { env: 'prod' } }] }],
      }),
    ],
    from: tie,
    to: star,
    port: 80,
    want: 'unknown',
  },
  {
    name: 'clusterwide policy selects every namespace',
    policies: [
      ccnp('deny-to-deathstars', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [{ fromEndpoints: [{ matchLabels: { org: 'empire' } }] }],
      }),
    ],
    from: outsider,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'clusterwide fromEndpoints do not match world',
    policies: [ccnp('p', { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }] })],
    from: { ip: '203.0.113.9' },
    to: star,
    port: 80,
    want: 'denied',
  },
  {
    name: 'L7 rules admit at L4',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { class: 'deathstar' } },
        ingress: [
          {
            fromEndpoints: [{ matchLabels: { org: 'empire' } }],
            toPorts: [
              {
                ports: [{ port: '80', protocol: 'TCP' }],
                rules: { http: [{ method: 'POST', path: '/v1/request-landing' }] },
              },
            ],
          },
        ],
      }),
    ],
    from: tie,
    to: star,
    port: 80,
    want: 'allowed',
  },
  {
    name: 'matchExpressions with k8s: prefix',
    policies: [
      cnp('starwars', 'p', {
        endpointSelector: { matchLabels: { 'k8s:class': 'deathstar' } },
        ingress: [
          {
            fromEndpoints: [
              { matchExpressions: [{ key: 'k8s:org', operator: 'NotIn', values: ['alliance'] }] },
            ],
          },
        ],
      }),
    ],
    from: xwing,
    to: star,
    port: 80,
    want: 'denied',
  },
];

describe('CiliumNetworkPolicy L3/L4', () => {
  for (const c of cases) {
    it(c.name, () => {
      const catalog = emptyCatalog();
      c.policies.forEach((p, i) => addObject(catalog, p, { file: 't', document: i + 1 }));
      expect(catalog.errors).toEqual([]);
      const e = explainConnection(catalog, conn(catalog, c.from, c.to, c.port, c.protocol));
      expect(e.verdict, e.summary).toBe(c.want);
    });
  }

  it('L7 rules are noted as not judged', () => {
    const catalog = emptyCatalog();
    addObject(catalog, cases.find((c) => c.name === 'L7 rules admit at L4')!.policies[0], {
      file: 't',
      document: 1,
    });
    const e = explainConnection(catalog, conn(catalog, tie, star, 80));
    expect(e.notes.join(' ')).toMatch(/L7 proxy \(http rules\)/);
  });

  it('parses specs lists and keeps their rules', () => {
    const p = parseCiliumPolicy({
      ...cnp('a', 'b', {}),
      spec: undefined,
      specs: [
        { endpointSelector: {}, ingress: [{}] },
        { endpointSelector: { matchLabels: { x: 'y' } }, egress: [{ toEntities: ['world'] }] },
      ],
    });
    expect(p.rules).toHaveLength(2);
    expect(p.rules[1].egress?.[0].entities).toEqual(['world']);
  });

  it.each([
    [
      'no spec',
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x', namespace: 'a' } },
      /spec/,
    ],
    ['no selector', cnp('a', 'x', { ingress: [] }), /endpointSelector/],
    ['bad CIDR', cnp('a', 'x', { endpointSelector: {}, egress: [{ toCIDR: ['300.1.1.1/8'] }] }), /CIDR/],
    [
      'bad protocol',
      cnp('a', 'x', {
        endpointSelector: {},
        ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'ICMPX' }] }] }],
      }),
      /protocol/,
    ],
    [
      'namespace missing',
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: 'x' },
        spec: { endpointSelector: {} },
      },
      /namespace/,
    ],
  ])('rejects %s', (_n, doc, re) => {
    expect(() => parseCiliumPolicy(doc)).toThrow(re);
  });
});
