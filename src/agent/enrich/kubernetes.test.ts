import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesWatcher } from './kubernetes.js';
import { TopologyIndex } from './topology.js';

/** A fake API server on loopback: lists, then streams watch events the test pushes. */
function fakeApiServer() {
  const watchers = new Map<string, http.ServerResponse[]>();
  const lists: Record<string, unknown[]> = {
    '/api/v1/namespaces': [{ metadata: { name: 'shop', labels: { team: 'retail' } } }],
    '/api/v1/nodes': [
      {
        metadata: { name: 'node-1' },
        status: { addresses: [{ type: 'InternalIP', address: '192.168.0.1' }] },
      },
    ],
    '/api/v1/pods': [
      {
        metadata: {
          name: 'web-5d8f7c9b4-a1b2c',
          namespace: 'shop',
          labels: { app: 'web', 'pod-template-hash': '5d8f7c9b4' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8f7c9b4', controller: true }],
        },
        spec: { nodeName: 'node-1' },
        status: { podIP: '10.0.1.5', podIPs: [{ ip: '10.0.1.5' }] },
      },
    ],
    '/api/v1/services': [
      {
        metadata: { name: 'web', namespace: 'shop' },
        spec: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] },
      },
    ],
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const items = lists[u.pathname];
    if (!items) {
      res.writeHead(404).end();
      return;
    }
    if (u.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const l = watchers.get(u.pathname) ?? [];
      l.push(res);
      watchers.set(u.pathname, l);
      return;
    }
    const kind = u.pathname.split('/').pop()!;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: `${kind[0].toUpperCase()}${kind.slice(1, -1)}List`,
        apiVersion: 'v1',
        metadata: { resourceVersion: '100' },
        items,
      }),
    );
  });
  const push = (path: string, type: string, object: unknown) => {
    for (const r of watchers.get(path) ?? []) r.write(JSON.stringify({ type, object }) + '\n');
  };
  const watching = (path: string) => (watchers.get(path)?.length ?? 0) > 0;
  return {
    server,
    push,
    watching,
    close: () =>
      new Promise<void>((r) => {
        for (const l of watchers.values()) for (const w of l) w.end();
        server.close(() => r());
      }),
  };
}

describe('KubernetesWatcher', () => {
  const api = fakeApiServer();
  let kubeconfig = '';
  beforeAll(async () => {
    await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', () => r()));
    const port = (api.server.address() as AddressInfo).port;
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'flowlens-kube-')), 'config');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: test-token } }]
contexts: [{ name: c, context: { cluster: fake, user: u } }]
current-context: c
`,
    );
  });
  afterAll(() => api.close());

  const until = async (f: () => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!f()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('lists then watches pods, services, namespaces and nodes into the index', async () => {
    const idx = new TopologyIndex('node-1');
    const errors: string[] = [];
    const w = new KubernetesWatcher(idx, { kubeconfig, onError: (m) => errors.push(m) });
    await w.start();
    try {
      await until(
        () => idx.resolve('10.0.1.5').kind === 'pod' && idx.resolve('10.96.0.10').kind === 'service',
      ).catch((e) => {
        throw new Error(e.message + ' ' + errors.join('; '));
      });
      expect(idx.resolve('10.0.1.5').endpoint).toMatchObject({
        namespace: 'shop',
        pod_name: 'web-5d8f7c9b4-a1b2c',
        workloads: [{ name: 'web', kind: 'Deployment' }],
      });
      expect(idx.resolve('10.0.1.5').endpoint.labels).toContain(
        'k8s:io.cilium.k8s.namespace.labels.team=retail',
      );
      expect(idx.resolve('192.168.0.1').kind).toBe('host');
      await until(() => api.watching('/api/v1/pods'));
      api.push('/api/v1/pods', 'ADDED', {
        metadata: {
          name: 'db-0',
          namespace: 'shop',
          resourceVersion: '101',
          ownerReferences: [{ kind: 'StatefulSet', name: 'db' }],
        },
        spec: { nodeName: 'node-1' },
        status: { podIP: '10.0.1.9' },
      });
      await until(() => idx.resolve('10.0.1.9').kind === 'pod');
      expect(idx.resolve('10.0.1.9').endpoint.workloads).toEqual([{ name: 'db', kind: 'StatefulSet' }]);
      api.push('/api/v1/pods', 'DELETED', {
        metadata: { name: 'db-0', namespace: 'shop', resourceVersion: '102' },
      });
      await until(() => idx.resolve('10.0.1.9').kind === 'world');
      expect(w.events).toBeGreaterThanOrEqual(6);
    } finally {
      await w.stop();
    }
  });
});
