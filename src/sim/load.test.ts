import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from './errors.js';
import { loadScenario, scenarioFromText } from './load.js';

const BASE = `name: tiny
nodes: [node-a, node-b]
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 2
    ports: [{ name: http, port: 8080 }]
  - kind: Deployment
    name: client
    namespace: shop
services:
  - name: web
    namespace: shop
    ports: [{ port: 80, targetPort: http }]
traffic:
  - from: shop/client
    to: shop/web
    port: 80
    rate: 5/s
`;

function errorOf(text: string, file = 'bad.yaml'): ScenarioError {
  try {
    scenarioFromText(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

const cases: Array<{ name: string; text: string; want: RegExp }> = [
  { name: 'YAML syntax error', text: 'name: x\nnodes: [a, b\n', want: /^bad\.yaml:3:1: invalid YAML/ },
  {
    name: 'duplicate key',
    text: 'name: x\nname: y\n',
    want: /^bad\.yaml:2:1: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'missing name',
    text: 'nodes: [a]\n',
    want: /^bad\.yaml:1:1: missing field "name"; expected the scenario name/,
  },
  {
    name: 'unknown top-level field',
    text: `${BASE}trafic: []\n`,
    want: /^bad\.yaml:21:1: trafic: unknown field "trafic"; expected one of: name, /,
  },
  {
    name: 'wrong workload kind',
    text: BASE.replace('kind: Deployment\n    name: web', 'kind: ReplicaSet\n    name: web'),
    want: /^bad\.yaml:4:11: workloads\[0\]\.kind: expected one of Deployment, StatefulSet, DaemonSet, got "ReplicaSet"/,
  },
  {
    name: 'negative replicas',
    text: BASE.replace('replicas: 2', 'replicas: -1'),
    want: /^bad\.yaml:7:15: workloads\[0\]\.replicas: expected an integer between 0 and 500, got number -1/,
  },
  {
    name: 'bad rate',
    text: BASE.replace('rate: 5/s', 'rate: fast'),
    want: /^bad\.yaml:20:11: traffic\[0\]\.rate: expected a rate such as 20\/s/,
  },
  {
    name: 'unknown target',
    text: BASE.replace('to: shop/web', 'to: shop/wbe'),
    want: /^bad\.yaml:18:9: traffic\[0\]\.to: no Service or workload "shop\/wbe"/,
  },
  {
    name: 'unknown service port',
    text: BASE.replace('port: 80\n    rate', 'port: 81\n    rate'),
    want: /^bad\.yaml:19:11: traffic\[0\]\.port: service shop\/web has no port 81/,
  },
  {
    name: 'unknown named targetPort',
    text: BASE.replace('targetPort: http', 'targetPort: grpc'),
    want: /^bad\.yaml:15:37: services\[0\]\.ports\[0\]\.targetPort: pod web-\S+ has no container port named "grpc"/,
  },
  {
    name: 'unknown source workload',
    text: BASE.replace('from: shop/client', 'from: shop/clinet'),
    want: /^bad\.yaml:17:11: traffic\[0\]\.from: unknown workload "shop\/clinet"/,
  },
  {
    name: 'bad fault kind',
    text: `${BASE}faults:\n  - kind: meteor\n`,
    want: /^bad\.yaml:22:11: faults\[0\]\.kind: expected one of dns-upstream-down, /,
  },
  {
    name: 'field of another fault kind',
    text: `${BASE}faults:\n  - kind: latency\n    workload: shop/web\n    factor: 3\n    status: 503\n`,
    want: /^bad\.yaml:25:5: faults\[0\]\.status: unknown field "status"; expected one of: kind, from, to, at, for, description, workload, factor, add, ratio/,
  },
  {
    name: 'fault window ends before it starts',
    text: `${BASE}faults:\n  - kind: latency\n    workload: shop/web\n    factor: 3\n    from: 5m\n    to: 2m\n`,
    want: /^bad\.yaml:26:9: faults\[0\]\.to: expected an end after the start \(300s\)/,
  },
  {
    name: 'fault on unknown workload',
    text: `${BASE}faults:\n  - kind: http-errors\n    workload: shop/api\n`,
    want: /^bad\.yaml:23:15: faults\[0\]\.workload: unknown workload "shop\/api"/,
  },
  {
    name: 'fault on unknown node',
    text: `${BASE}faults:\n  - kind: node-drops\n    node: node-z\n`,
    want: /^bad\.yaml:23:11: faults\[0\]\.node: unknown node "node-z"; expected one of: node-a, node-b/,
  },
  {
    name: 'bad drop reason',
    text: `${BASE}faults:\n  - kind: node-drops\n    node: node-a\n    reason: GREMLINS\n`,
    want: /^bad\.yaml:24:13: faults\[0\]\.reason: expected one of INVALID_SOURCE_IP, /,
  },
  {
    name: 'invalid NetworkPolicy field',
    text: `${BASE}policies:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: { name: p, namespace: shop }\n    spec:\n      podSelector: {}\n      ingress:\n        - from: [{ ipBlock: { cidr: 10.0.0.0/33 } }]\n`,
    want: /^bad\.yaml:28:37: policies\[0\]\.spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: expected a CIDR such as 10\.0\.0\.0\/16, got "10\.0\.0\.0\/33"/,
  },
  {
    name: 'unknown NetworkPolicy field points at the key',
    text: `${BASE}policies:\n  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: { name: p, namespace: shop }\n    spec:\n      podSelecter: {}\n`,
    want: /^bad\.yaml:26:7: policies\[0\]\.spec\.podSelecter: expected one of the fields podSelector, policyTypes, ingress, egress/,
  },
  {
    name: 'duplicate workload',
    text: BASE.replace('name: client', 'name: web'),
    want: /^bad\.yaml:10:11: workloads\[1\]\.name: duplicate workload "shop\/web"/,
  },
  {
    name: 'unknown extends',
    text: 'name: x\nextends: nope\n',
    want: /^bad\.yaml:2:10: extends: no built-in scenario "nope"/,
  },
  {
    name: 'bad start time',
    text: `${BASE}start: yesterday\n`,
    want: /^bad\.yaml:21:8: start: expected an RFC 3339 time/,
  },
  {
    name: 'http settings on a tcp edge',
    text: BASE.replace('rate: 5/s', 'rate: 5/s\n    http: { errorRate: 0.1 }'),
    want: /^bad\.yaml:21:5: traffic\[0\]\.http: http settings need protocol: http or grpc/,
  },
];

describe('scenario validation errors', () => {
  it('accepts the base scenario', () => {
    const s = scenarioFromText(BASE);
    expect(s.workloads.map((w) => w.name)).toEqual(['web', 'client']);
    expect(s.nodes.map((n) => n.name)).toEqual(['node-a', 'node-b']);
  });

  for (const c of cases) {
    it(`reports ${c.name} with file:line:column`, () => {
      const e = errorOf(c.text);
      expect(e.message).toMatch(c.want);
      expect(e.pos?.file).toBe('bad.yaml');
    });
  }

  it('reports errors of an extended file in that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-'));
    writeFileSync(join(dir, 'base.yaml'), BASE.replace('rate: 5/s', 'rate: -5/s'));
    writeFileSync(join(dir, 'child.yaml'), 'name: child\nextends: ./base.yaml\n');
    expect(() => loadScenario(join(dir, 'child.yaml'))).toThrow(
      /base\.yaml:20:11: traffic\[0\]\.rate: expected a rate/,
    );
  });

  it('detects extends cycles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-'));
    writeFileSync(join(dir, 'a.yaml'), 'name: a\nextends: ./b.yaml\n');
    writeFileSync(join(dir, 'b.yaml'), 'name: b\nextends: ./a.yaml\n');
    expect(() => loadScenario(join(dir, 'a.yaml'))).toThrow(/b\.yaml:2:10: extends: "extends" forms a cycle/);
  });

  it('names a missing file', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(/cannot read scenario file/);
  });

  it('merges an extended scenario: lists appended, scalars overridden', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-'));
    writeFileSync(join(dir, 'base.yaml'), BASE);
    writeFileSync(
      join(dir, 'child.yaml'),
      'name: child\nextends: base.yaml\nduration: 2m\nfaults:\n  - { kind: http-errors, workload: shop/web, from: 10s, for: 20s }\n',
    );
    const s = loadScenario(join(dir, 'child.yaml'));
    expect(s.name).toBe('child');
    expect(s.duration).toBe(120_000);
    expect(s.traffic).toHaveLength(1);
    expect(s.faults[0]).toMatchObject({
      kind: 'http-errors',
      from: 10_000,
      to: 30_000,
      status: [503],
      ratio: 0.2,
    });
  });
});
