import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { KubeApiError, loadPoliciesFromCluster } from './kube-api.js';
import { loadPolicyFiles } from './load-files.js';

type Obj = Record<string, unknown>;

/** What the API server adds to metadata, which the catalog must not see. */
const serverMeta = (i: number) => ({
  uid: `0000-${i}`,
  resourceVersion: String(100 + i),
  generation: 1,
  creationTimestamp: '2024-05-01T12:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Apply', time: '2024-05-01T12:00:00Z' }],
});

const namespaces: Obj[] = [
  { metadata: { name: 'prod', labels: { team: 'payments', env: 'prod' } } },
  { metadata: { name: 'dev', labels: { env: 'dev' }, annotations: { note: 'x' } } },
];

const networkPolicies: Obj[] = [
  {
    metadata: { name: 'api-ingress', namespace: 'prod', labels: { app: 'api' } },
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'] } },
            {
              namespaceSelector: {
                matchExpressions: [
                  { key: 'env', operator: 'In', values: ['prod', 'staging'] },
                  { key: 'team', operator: 'Exists' },
                ],
              },
              podSelector: { matchLabels: { role: 'frontend' } },
            },
          ],
          ports: [
            { protocol: 'TCP', port: 8000, endPort: 8080 },
            { protocol: 'TCP', port: 'http' },
          ],
        },
      ],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }],
          ports: [{ protocol: 'UDP', port: 53 }],
        },
      ],
    },
  },
  {
    metadata: { name: 'default-deny', namespace: 'dev' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  },
];

const ciliumPolicies: Obj[] = [
  {
    metadata: { name: 'allow-dns', namespace: 'prod' },
    spec: {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [
        {
          fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'dev' } }],
          toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }],
        },
      ],
      egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] }] }],
    },
  },
];

const clusterwide: Obj[] = [
  {
    metadata: { name: 'host-fw' },
    spec: { nodeSelector: {}, ingress: [{ fromEntities: ['cluster'] }] },
  },
];

/** How the fake API server answers each path: a status and the items of the list. */
type Route = { status: number; items?: Obj[] };
let routes: Record<string, Route> = {};
const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
let server: Server;
let url = '';
let dir = '';
let kubeconfig = '';

const withServerMeta = (items: Obj[]) =>
  items.map((o, i) => ({ ...o, metadata: { ...(o.metadata as Obj), ...serverMeta(i) } }));

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers });
    const r = routes[path] ?? { status: 404 };
    res.setHeader('content-type', 'application/json');
    res.statusCode = r.status;
    if (r.status === 200) {
      // Like the API server: list items carry no kind/apiVersion; metadata has server fields.
      res.end(
        JSON.stringify({
          kind: 'List',
          apiVersion: 'v1',
          metadata: {},
          items: withServerMeta(r.items ?? []),
        }),
      );
    } else {
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message:
            r.status === 403
              ? `${path} is forbidden: User "ci" cannot list`
              : 'the server could not find the requested resource',
          reason: r.status === 403 ? 'Forbidden' : 'NotFound',
          code: r.status,
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'flowlens-kube-api-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // client-node only talks plain http when TLS verification is explicitly off.
      clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'ci', user: { token: 'secret-token-123' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'ci' } }],
      'current-context': 'fake',
    }),
  );
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  routes = {
    '/api/v1/namespaces': { status: 200, items: namespaces },
    '/apis/networking.k8s.io/v1/networkpolicies': { status: 200, items: networkPolicies },
    '/apis/cilium.io/v2/ciliumnetworkpolicies': { status: 200, items: ciliumPolicies },
    '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies': { status: 200, items: clusterwide },
  };
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function kc(): KubeConfig {
  const k = new KubeConfig();
  k.loadFromFile(kubeconfig);
  return k;
}

/** The same objects as YAML manifests, loaded by the --policies path. */
function fromFiles(withClusterwide: boolean) {
  const docs = [
    ...namespaces.map((o) => ({ apiVersion: 'v1', kind: 'Namespace', ...o })),
    ...networkPolicies.map((o) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...o })),
    ...ciliumPolicies.map((o) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', ...o })),
    ...(withClusterwide
      ? clusterwide.map((o) => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', ...o }))
      : []),
  ];
  const file = join(dir, `policies-${String(withClusterwide)}.yaml`);
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return loadPolicyFiles([file]);
}

const comparable = (c: ReturnType<typeof loadPolicyFiles>) => ({
  networkPolicies: c.networkPolicies,
  ciliumPolicies: c.ciliumPolicies,
  namespaces: c.namespaces,
  errors: c.errors,
  ignored: c.ignored,
});

describe('loadPoliciesFromCluster', () => {
  it('fills the catalog exactly as the same objects in YAML files', async () => {
    const got = await loadPoliciesFromCluster(kc());
    const want = fromFiles(true);
    expect(want.errors).toEqual([]);
    expect(want.networkPolicies).toHaveLength(2);
    expect(want.ciliumPolicies).toHaveLength(2);
    expect(comparable(got)).toEqual(comparable(want));
    expect(got.namespaces.get('prod')).toEqual({
      team: 'payments',
      env: 'prod',
      'kubernetes.io/metadata.name': 'prod',
    });
  });

  it('passes wire JSON (not client model instances) to the parsers', async () => {
    const got = await loadPoliciesFromCluster(kc());
    const np = got.networkPolicies.find((p) => p.metadata.name === 'api-ingress');
    // `from` is `_from` on the client-node model; passing that on would lose the peers. The
    // rules must come back exactly as the API server sent them (the fixture above).
    const sent = networkPolicies[0] as { spec: { ingress: Obj[]; egress: Obj[] } };
    expect(np?.spec.ingress?.[0].from).toEqual(sent.spec.ingress[0]!.from);
    expect(np?.spec.ingress?.[0].ports).toEqual(sent.spec.ingress[0]!.ports);
    expect(np?.spec.egress?.[0].to).toEqual(sent.spec.egress[0]!.to);
    expect(np?.spec.ingress?.[0].from).toHaveLength(2);
    expect(Object.getPrototypeOf(np?.spec.ingress?.[0].from?.[0])).toBe(Object.prototype);
  });

  it('sends the kubeconfig token as a bearer token', async () => {
    await loadPoliciesFromCluster(kc());
    expect(seen.map((s) => s.path)).toEqual([
      '/api/v1/namespaces',
      '/apis/networking.k8s.io/v1/networkpolicies',
      '/apis/cilium.io/v2/ciliumnetworkpolicies',
      '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies',
    ]);
    for (const s of seen) expect(s.headers.authorization).toBe('Bearer secret-token-123');
  });

  it('reads KUBECONFIG when no KubeConfig is given', async () => {
    vi.stubEnv('KUBECONFIG', kubeconfig);
    const got = await loadPoliciesFromCluster();
    expect(got.networkPolicies).toHaveLength(2);
    expect(seen[0].headers.authorization).toBe('Bearer secret-token-123');
  });

  it.skipIf(existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'))(
    'says so when there are no credentials at all',
    async () => {
      const home = join(dir, 'empty-home');
      mkdirSync(home, { recursive: true });
      vi.stubEnv('KUBECONFIG', '');
      vi.stubEnv('HOME', home);
      await expect(loadPoliciesFromCluster()).rejects.toThrow(/no Kubernetes credentials/);
      expect(seen).toEqual([]);
    },
  );

  it('tolerates missing Cilium CRDs (404)', async () => {
    delete routes['/apis/cilium.io/v2/ciliumnetworkpolicies'];
    delete routes['/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies'];
    const got = await loadPoliciesFromCluster(kc());
    expect(got.ciliumPolicies).toEqual([]);
    expect(got.networkPolicies).toHaveLength(2);
    expect(got.errors).toEqual([]);
  });

  it('reports a 404 on a core resource', async () => {
    delete routes['/apis/networking.k8s.io/v1/networkpolicies'];
    await expect(loadPoliciesFromCluster(kc())).rejects.toThrow(
      /GET \/apis\/networking\.k8s\.io\/v1\/networkpolicies: HTTP 404/,
    );
  });

  it('explains a 403 on networkpolicies', async () => {
    routes['/apis/networking.k8s.io/v1/networkpolicies'] = { status: 403 };
    const err = await loadPoliciesFromCluster(kc()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).code).toBe('KUBE_API');
    expect((err as Error).message).toMatch(
      /^GET \/apis\/networking\.k8s\.io\/v1\/networkpolicies: HTTP 403 \(forbidden: the credentials may not list this resource\)/,
    );
    expect((err as Error).message).toContain('cannot list');
  });

  it('labels catalog errors with the server URL of the list', async () => {
    routes['/apis/cilium.io/v2/ciliumnetworkpolicies'] = {
      status: 200,
      items: [{ metadata: { name: 'broken', namespace: 'prod' }, spec: { ingress: 'nope' } }],
    };
    const got = await loadPoliciesFromCluster(kc());
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]).toMatchObject({
      file: `${url}/apis/cilium.io/v2/ciliumnetworkpolicies`,
      document: 1,
    });
    expect(got.errors[0].message).toContain('CiliumNetworkPolicy broken');
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(loadPoliciesFromCluster(kc(), undefined, ac.signal)).rejects.toThrow(KubeApiError);
  });

  it('wraps connection failures', async () => {
    const k = new KubeConfig();
    k.loadFromClusterAndUser(
      { name: 'down', server: 'http://127.0.0.1:1', skipTLSVerify: true },
      { name: 'u' },
    );
    await expect(loadPoliciesFromCluster(k)).rejects.toThrow(KubeApiError);
  });
});
