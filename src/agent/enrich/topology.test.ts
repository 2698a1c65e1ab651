import { describe, expect, it } from 'vitest';
import { DnsNameCache } from './dns-names.js';
import { parseTopology, TopologyError } from './topology-file.js';
import { TopologyIndex, workloadOf } from './topology.js';

const K8S_LIST = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: { name: shop, labels: { team: retail } }
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web-5d8f7c9b4-a1b2c
      namespace: shop
      labels: { app: web, pod-template-hash: 5d8f7c9b4 }
      ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7c9b4, controller: true }]
    spec: { nodeName: node-1, serviceAccountName: web-sa }
    status: { podIP: 10.0.1.5, podIPs: [{ ip: 10.0.1.5 }, { ip: "fd00::5" }] }
  - apiVersion: v1
    kind: Pod
    metadata: { name: db-0, namespace: shop, labels: { app: db }, ownerReferences: [{ kind: StatefulSet, name: db, controller: true }] }
    spec: { nodeName: node-2 }
    status: { podIP: 10.0.2.9 }
  - apiVersion: v1
    kind: Service
    metadata: { name: web, namespace: shop }
    spec: { clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], selector: { app: web } }
  - apiVersion: v1
    kind: Node
    metadata: { name: node-1 }
    status: { addresses: [{ type: InternalIP, address: 192.168.0.1 }, { type: Hostname, address: node-1 }] }
  - apiVersion: v1
    kind: Node
    metadata: { name: node-2 }
    status: { addresses: [{ type: InternalIP, address: 192.168.0.2 }] }
`;

describe('topology', () => {
  const idx = new TopologyIndex('node-1');
  idx.replace(parseTopology(K8S_LIST));

  it('resolves a local pod with Cilium-style labels, identity, endpoint ID and its Deployment', () => {
    const r = idx.resolve('10.0.1.5');
    expect(r.kind).toBe('pod');
    expect(r.endpoint).toMatchObject({
      namespace: 'shop',
      pod_name: 'web-5d8f7c9b4-a1b2c',
      workloads: [{ name: 'web', kind: 'Deployment' }],
    });
    expect(r.endpoint.labels).toEqual([
      'k8s:app=web',
      'k8s:io.cilium.k8s.namespace.labels.team=retail',
      'k8s:io.cilium.k8s.policy.cluster=default',
      'k8s:io.cilium.k8s.policy.serviceaccount=web-sa',
      'k8s:io.kubernetes.pod.namespace=shop',
    ]);
    expect(r.endpoint.identity).toBeGreaterThanOrEqual(256);
    expect(r.endpoint.ID).toBeGreaterThan(0);
    expect(idx.resolve('fd00::5').endpoint.pod_name).toBe('web-5d8f7c9b4-a1b2c');
  });

  it('gives remote pods no endpoint ID, and nodes host / remote-node identities', () => {
    expect(idx.resolve('10.0.2.9').endpoint.ID).toBeUndefined();
    expect(idx.resolve('10.0.2.9').endpoint.workloads).toEqual([{ name: 'db', kind: 'StatefulSet' }]);
    expect(idx.resolve('192.168.0.1').endpoint).toEqual({ identity: 1, labels: ['reserved:host'] });
    expect(idx.resolve('192.168.0.2').endpoint).toEqual({ identity: 6, labels: ['reserved:remote-node'] });
  });

  it('maps ClusterIPs to their Service and unknown IPs to world', () => {
    expect(idx.resolve('10.96.0.10').service).toEqual({ name: 'web', namespace: 'shop' });
    expect(idx.resolve('8.8.8.8')).toMatchObject({
      kind: 'world',
      endpoint: { identity: 2, labels: ['reserved:world'] },
    });
  });

  it('follows updates and deletions', () => {
    const i = new TopologyIndex();
    i.upsertPod({ name: 'a', namespace: 'x', ips: ['10.1.1.1'] });
    expect(i.resolve('10.1.1.1').kind).toBe('pod');
    i.deletePod('x', 'a');
    expect(i.resolve('10.1.1.1').kind).toBe('world');
  });

  it('reads the short form too', () => {
    const t = parseTopology(
      'node: n\npods:\n  - { name: p, namespace: ns, ip: 10.2.0.1, workload: { kind: DaemonSet, name: ds } }\nservices:\n  - { name: s, namespace: ns, clusterIP: 10.3.0.1 }\n',
    );
    expect(t).toMatchObject({
      nodeName: 'n',
      pods: [{ name: 'p', ips: ['10.2.0.1'], workload: { kind: 'DaemonSet', name: 'ds' } }],
      services: [{ clusterIPs: ['10.3.0.1'] }],
    });
    expect(() => parseTopology('pods:\n  - { namespace: x }\n')).toThrow(TopologyError);
    expect(() => parseTopology('- a\n- b\n')).toThrow(/mapping/);
  });

  it.each([
    [
      {
        name: 'p',
        namespace: 'n',
        ips: [],
        labels: { 'pod-template-hash': 'abc12' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'api-abc12' }],
      },
      { name: 'api', kind: 'Deployment' },
    ],
    [
      { name: 'p', namespace: 'n', ips: [], ownerReferences: [{ kind: 'Job', name: 'backup-28123456' }] },
      { name: 'backup', kind: 'CronJob' },
    ],
    [
      { name: 'p', namespace: 'n', ips: [], ownerReferences: [{ kind: 'DaemonSet', name: 'agent' }] },
      { name: 'agent', kind: 'DaemonSet' },
    ],
    [{ name: 'p', namespace: 'n', ips: [] }, undefined],
  ])('workloadOf %#', (pod, want) => expect(workloadOf(pod)).toEqual(want));
});

describe('DnsNameCache', () => {
  it('keeps names for max(TTL, min TTL), sorted, without trailing dots', () => {
    const c = new DnsNameCache({ minTtlSec: 10 });
    c.add('192.0.2.1', 'b.example.', 5, 0);
    c.add('192.0.2.1', 'a.example.', 60, 0);
    expect(c.names('192.0.2.1', 9_000)).toEqual(['a.example', 'b.example']);
    expect(c.names('192.0.2.1', 11_000)).toEqual(['a.example']);
    expect(c.names('192.0.2.1', 61_000)).toBeUndefined();
  });

  it('evicts the oldest IP past its bound', () => {
    const c = new DnsNameCache({ maxIps: 2 });
    for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) c.add(ip, 'x', 60, 0);
    expect([c.names('1.1.1.1', 0), c.size]).toEqual([undefined, 2]);
  });
});
