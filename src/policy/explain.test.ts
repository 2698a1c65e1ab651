/**
 * Explanations, proposals, drop attribution, catalogs and what-if replay, on hand-made cases
 * and on the simulator's policy-drops scenario (whose policies the simulator enforced).
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../flow/index.js';
import { loadScenario, simulate, type Scenario } from '../sim/index.js';
import {
  addObject,
  addText,
  connectionFromFlow,
  createDropAttributor,
  emptyCatalog,
  endFromSpec,
  explainConnection,
  proposeRule,
  WhatIfReplay,
  type Connection,
  type PolicyCatalog,
} from './analysis.js';

const np = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});

function catalogWith(...objs: unknown[]): PolicyCatalog {
  const c = emptyCatalog();
  objs.forEach((o, i) => addObject(c, o, { file: 't', document: i + 1 }));
  expect(c.errors).toEqual([]);
  return c;
}

function conn(
  c: PolicyCatalog,
  from: Parameters<typeof endFromSpec>[1],
  to: Parameters<typeof endFromSpec>[1],
  port: number,
  protocol: Connection['protocol'] = 'TCP',
): Connection {
  return { source: endFromSpec(c, from), destination: endFromSpec(c, to), protocol, port };
}

const frontend = { namespace: 'shop', pod: 'frontend-1', labels: { app: 'frontend', tier: 'web' } };
const backend = { namespace: 'shop', pod: 'backend-1', labels: { app: 'backend' } };
const batch = { namespace: 'jobs', pod: 'batch-1', labels: { app: 'batch' } };

describe('explainConnection', () => {
  const policies = [
    np('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    np('shop', 'allow-gateway', {
      podSelector: { matchLabels: { app: 'backend' } },
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'frontend', role: 'gateway' } } }],
          ports: [{ port: 8080 }],
        },
      ],
    }),
  ];

  it('names the selecting policies and the selector that does not match', () => {
    const c = catalogWith(...policies);
    const e = explainConnection(c, conn(c, frontend, backend, 8080));
    expect(e.verdict).toBe('denied');
    expect(e.deniedBy).toBe('ingress');
    expect(e.ingress.policies.map((p) => p.name)).toEqual(['allow-gateway', 'default-deny']);
    expect(e.ingress.policies[0].rules[0].reasons.join(' ')).toContain(
      'podSelector app=frontend,role=gateway does not match shop/frontend-1 (app=frontend,tier=web)',
    );
    expect(e.ingress.policies[1].rules).toEqual([]);
    expect(e.egress.verdict).toBe('allowed');
  });

  it('names the missing port', () => {
    const c = catalogWith(...policies);
    const e = explainConnection(
      c,
      conn(c, { ...frontend, labels: { app: 'frontend', role: 'gateway' } }, backend, 9090),
    );
    expect(e.verdict).toBe('denied');
    expect(e.ingress.policies[0].rules[0].reasons.join(' ')).toContain(
      'port 9090/TCP is not in the rule’s ports (8080/TCP)',
    );
  });

  it('reports a plain default deny', () => {
    const c = catalogWith(policies[0]);
    const e = explainConnection(c, conn(c, batch, backend, 8080));
    expect(e.ingress.summary).toMatch(
      /isolated for ingress by NetworkPolicy shop\/default-deny, and no rule admits .* \(default deny\)/,
    );
  });

  it('uses Namespace manifests for namespace labels', () => {
    const c = catalogWith(
      { kind: 'Namespace', metadata: { name: 'jobs', labels: { team: 'data' } } },
      np('shop', 'from-data', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'data' } } }] }],
      }),
    );
    expect(explainConnection(c, conn(c, batch, backend, 8080)).verdict).toBe('allowed');
  });

  it('resolves named ports through workload manifests, and says when it cannot', () => {
    const pol = np('shop', 'named', {
      podSelector: { matchLabels: { app: 'backend' } },
      ingress: [{ ports: [{ port: 'http' }] }],
    });
    const bare = catalogWith(pol);
    const e1 = explainConnection(bare, conn(bare, frontend, backend, 8080));
    expect(e1.verdict).toBe('unknown');
    expect(e1.summary).toMatch(/named port "http" cannot be resolved/);
    const withDeploy = catalogWith(pol, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'backend', namespace: 'shop' },
      spec: {
        template: {
          metadata: { labels: { app: 'backend' } },
          spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
        },
      },
    });
    expect(explainConnection(withDeploy, conn(withDeploy, frontend, backend, 8080)).verdict).toBe('allowed');
    expect(explainConnection(withDeploy, conn(withDeploy, frontend, backend, 8081)).verdict).toBe('denied');
  });
});

describe('proposeRule', () => {
  const denials: Array<{
    name: string;
    policies: unknown[];
    from: Parameters<typeof endFromSpec>[1];
    to: Parameters<typeof endFromSpec>[1];
    port: number;
    protocol?: Connection['protocol'];
  }> = [
    {
      name: 'ingress, same namespace',
      policies: [np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })],
      from: frontend,
      to: backend,
      port: 8080,
    },
    {
      name: 'ingress, other namespace',
      policies: [np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })],
      from: batch,
      to: backend,
      port: 8080,
    },
    {
      name: 'egress to a pod',
      policies: [np('jobs', 'deny', { podSelector: {}, policyTypes: ['Egress'] })],
      from: batch,
      to: backend,
      port: 8080,
    },
    {
      name: 'egress to the world',
      policies: [np('jobs', 'deny', { podSelector: {}, policyTypes: ['Egress'] })],
      from: batch,
      to: { ip: '20.81.111.85' },
      port: 443,
    },
    {
      name: 'ingress from the world',
      policies: [np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })],
      from: { ip: '203.0.113.7' },
      to: backend,
      port: 8080,
    },
    {
      name: 'both directions',
      policies: [
        np('jobs', 'deny', { podSelector: {}, policyTypes: ['Egress'] }),
        np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      ],
      from: batch,
      to: backend,
      port: 8080,
    },
    {
      name: 'UDP',
      policies: [np('jobs', 'deny', { podSelector: {}, policyTypes: ['Egress'] })],
      from: batch,
      to: backend,
      port: 53,
      protocol: 'UDP',
    },
  ];

  for (const d of denials) {
    it(`${d.name} > admits the connection and nothing else`, () => {
      const c = catalogWith(...d.policies);
      const cn = conn(c, d.from, d.to, d.port, d.protocol);
      const e = explainConnection(c, cn);
      expect(e.verdict).toBe('denied');
      const p = proposeRule(cn, e)!;
      expect(p).toBeDefined();
      // Apply the YAML as a user would: parse it back into the catalog.
      addText(c, p.yaml, 'proposal.yaml');
      expect(c.errors).toEqual([]);
      expect(explainConnection(c, cn).verdict).toBe('allowed');
      // Another port, and another source, stay denied.
      expect(explainConnection(c, { ...cn, port: cn.port + 1 }).verdict).toBe('denied');
      const stranger = { namespace: 'jobs', pod: 'x-1', labels: { app: 'stranger' } };
      expect(explainConnection(c, conn(c, stranger, d.to, d.port, d.protocol)).verdict).toBe('denied');
    });
  }

  it('proposes nothing against an explicit deny rule', () => {
    const c = catalogWith({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'deny', namespace: 'shop' },
      spec: {
        endpointSelector: {},
        ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'frontend' } }] }],
      },
    });
    const cn = conn(c, frontend, backend, 8080);
    const e = explainConnection(c, cn);
    expect(e.verdict).toBe('denied');
    expect(proposeRule(cn, e)).toBeUndefined();
  });
});

describe('catalog', () => {
  it('reads multi-document YAML, Lists and reports bad documents with their line', () => {
    const c = emptyCatalog();
    addText(
      c,
      [
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: a, namespace: x}\n  spec: {podSelector: {}}',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 70000}]',
        'kind: ConfigMap\nmetadata: {name: c}',
        'this: is: not: yaml',
      ].join('\n---\n'),
      'p.yaml',
    );
    expect(c.networkPolicies.map((p) => p.metadata.name)).toEqual(['a']);
    expect(c.ignored).toBe(1);
    expect(c.errors.map((e) => [e.document, e.line])).toEqual([
      [2, 9],
      [4, 20],
    ]);
    expect(c.errors[0].message).toMatch(/bad: spec.ingress\[0\].ports\[0\].port/);
  });
});

/** The policies in force after the scenario's policy changes, as a catalog (plus namespaces and workloads). */
function scenarioCatalog(s: Scenario, afterChanges: boolean): PolicyCatalog {
  const c = emptyCatalog();
  const strip = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'origin'));
  const changes = afterChanges ? s.faults.flatMap((f) => (f.kind === 'policy-change' ? [f.policy] : [])) : [];
  for (const p of s.policies)
    if (
      !changes.some(
        (x) => x.metadata.name === p.metadata.name && x.metadata.namespace === p.metadata.namespace,
      )
    )
      addObject(c, strip(p), { file: 's', document: 1 });
  for (const p of changes) addObject(c, strip(p), { file: 's', document: 1 });
  for (const n of s.namespaces)
    addObject(
      c,
      { kind: 'Namespace', metadata: { name: n.name, labels: n.labels } },
      { file: 's', document: 1 },
    );
  for (const w of s.workloads) {
    addObject(
      c,
      {
        kind: w.kind,
        metadata: { name: w.name, namespace: w.namespace },
        spec: {
          template: {
            metadata: { labels: w.labels },
            spec: {
              containers: [
                {
                  ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
                },
              ],
            },
          },
        },
      },
      { file: 's', document: 1 },
    );
  }
  expect(c.errors).toEqual([]);
  return c;
}

describe('on the policy-drops scenario', () => {
  const scenario = loadScenario('policy-drops');
  let events: FlowEvent[] | undefined;
  const flows = () => (events ??= [...simulate(scenario, { seed: 2, durationMs: 4 * 60_000 })]);

  it('attributes every recorded policy drop to the policies that the simulator enforced', () => {
    const c = scenarioCatalog(scenario, true);
    const att = createDropAttributor(c, ['--policies', 'p/']);
    const drops = flows().filter(
      (e) =>
        e.flow?.verdict === 'DROPPED' &&
        e.flow.drop_reason_desc === 'POLICY_DENIED' &&
        Date.parse(e.flow.time!) >= Date.parse(scenario.start) + 125_000,
    );
    expect(drops.length).toBeGreaterThan(100);
    const named = new Set<string>();
    for (const d of drops.slice(0, 500)) {
      const a = att.attribute(d.flow!)!;
      expect(a.policies.length, a.explanation).toBeGreaterThan(0);
      for (const p of a.policies) named.add(`${p.namespace}/${p.name}`);
    }
    expect([...named]).toEqual(
      expect.arrayContaining(['microservices/allow-frontend-to-backend', 'default/kapinger-bad-egress']),
    );
  });

  it('whatif: restoring the old policy allows the broken traffic and breaks nothing', () => {
    const replay = new WhatIfReplay(scenarioCatalog(scenario, false));
    for (const ev of flows()) replay.add(ev);
    const r = replay.report();
    expect(r.replayed).toBeGreaterThan(1000);
    expect(r.newlyDenied).toBe(0);
    expect(r.undetermined).toBe(0);
    expect(r.newlyAllowed).toBeGreaterThan(0);
    expect(r.groups.map((g) => `${g.source}>${g.destination}`)).toEqual([
      'microservices/frontend>microservices/backend',
    ]);
    expect(r.changed.every((c) => c.old === 'denied' && c.new === 'allowed' && c.uuid)).toBe(true);
  });

  it('whatif: the changed policy would have denied the traffic forwarded before the change', () => {
    const replay = new WhatIfReplay(scenarioCatalog(scenario, true), { limit: 5 });
    for (const ev of flows()) replay.add(ev);
    const r = replay.report();
    expect(r.newlyAllowed).toBe(0);
    expect(r.newlyDenied).toBeGreaterThan(0);
    expect(r.groups[0]).toMatchObject({
      source: 'microservices/frontend',
      destination: 'microservices/backend',
      port: 8080,
    });
    expect(r.changed).toHaveLength(5);
    expect(r.omitted).toBe(r.newlyDenied - 5);
  });

  it('connectionFromFlow swaps replies back to the initiator', () => {
    const reply = flows().find(
      (e) =>
        e.flow?.is_reply === true &&
        e.flow.l4?.TCP &&
        e.flow.source?.pod_name &&
        e.flow.destination?.pod_name,
    )!.flow!;
    const c = connectionFromFlow(emptyCatalog(), reply)!;
    expect(c.source.display).toBe(`${reply.destination!.namespace}/${reply.destination!.pod_name}`);
    expect(c.port).toBe(reply.l4!.TCP!.source_port);
  });
});
