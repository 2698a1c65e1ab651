/**
 * Reads policies and namespaces from a cluster through the Kubernetes API: NetworkPolicies,
 * CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies and Namespaces (for their labels).
 *
 * Credentials: in a pod, the service account (KUBERNETES_SERVICE_HOST, token and CA under
 * /var/run/secrets/kubernetes.io/serviceaccount); otherwise the current context of the
 * kubeconfig (KUBECONFIG or ~/.kube/config) with a bearer token or a client certificate.
 * Exec/auth-provider plugins are not supported (use `kubectl get … -o yaml > file` and
 * `--policies file` instead). Missing Cilium CRDs (404) are not an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { homedir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { addObject, emptyCatalog, type PolicyCatalog } from './catalog.js';

/** How to reach the API server. */
export interface KubeAccess {
  server: string;
  token?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecure?: boolean;
}

/** A failure talking to the API server. */
export class KubeApiError extends Error {
  readonly code = 'KUBE_API';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeApiError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function dataOrFile(o: Obj, dataKey: string, fileKey: string): Buffer | undefined {
  if (typeof o[dataKey] === 'string') return Buffer.from(o[dataKey] as string, 'base64');
  if (typeof o[fileKey] === 'string') return readFileSync(o[fileKey] as string);
  return undefined;
}

/** Credentials from the in-cluster service account or the kubeconfig's current context. */
export function kubeAccess(env: NodeJS.ProcessEnv = process.env): KubeAccess {
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(`${sa}/token`)) {
    return {
      server: `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`,
      token: readFileSync(`${sa}/token`, 'utf8').trim(),
      ca: readFileSync(`${sa}/ca.crt`),
    };
  }
  const path = (env.KUBECONFIG ?? `${homedir()}/.kube/config`).split(':')[0];
  if (!existsSync(path))
    throw new KubeApiError(`no Kubernetes credentials: not in a pod and no kubeconfig at ${path}`);
  const cfg = parseYaml(readFileSync(path, 'utf8')) as Obj;
  const ctxName = cfg['current-context'];
  const ctx = (cfg.contexts as Obj[] | undefined)?.find((c) => c.name === ctxName)?.context as
    Obj | undefined;
  if (!ctx) throw new KubeApiError(`kubeconfig ${path} has no current context`);
  const cluster = (cfg.clusters as Obj[] | undefined)?.find((c) => c.name === ctx.cluster)?.cluster as
    Obj | undefined;
  const user =
    ((cfg.users as Obj[] | undefined)?.find((u) => u.name === ctx.user)?.user as Obj | undefined) ?? {};
  if (!cluster || typeof cluster.server !== 'string')
    throw new KubeApiError(`kubeconfig ${path}: cluster ${String(ctx.cluster)} has no server`);
  if (user.exec || user['auth-provider'])
    throw new KubeApiError(
      'kubeconfig uses an exec or auth-provider plugin, which flowlens does not run; export the policies with kubectl and pass --policies',
    );
  return {
    server: cluster.server,
    token:
      typeof user.token === 'string'
        ? user.token
        : typeof user.tokenFile === 'string'
          ? readFileSync(user.tokenFile, 'utf8').trim()
          : undefined,
    ca: dataOrFile(cluster, 'certificate-authority-data', 'certificate-authority'),
    cert: dataOrFile(user, 'client-certificate-data', 'client-certificate'),
    key: dataOrFile(user, 'client-key-data', 'client-key'),
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

function get(
  access: KubeAccess,
  path: string,
  signal?: AbortSignal,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, access.server);
  const opts: RequestOptions = {
    method: 'GET',
    headers: {
      accept: 'application/json',
      ...(access.token ? { authorization: `Bearer ${access.token}` } : {}),
    },
    ca: access.ca,
    cert: access.cert,
    key: access.key,
    rejectUnauthorized: !access.insecure,
    signal,
    timeout: 15_000,
  };
  const req = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (e) => reject(new KubeApiError(`GET ${url.href}: ${e.message}`, { cause: e })));
    r.end();
  });
}

const RESOURCES: Array<{ path: string; kind: string; optional: boolean }> = [
  { path: '/api/v1/namespaces', kind: 'Namespace', optional: false },
  { path: '/apis/networking.k8s.io/v1/networkpolicies', kind: 'NetworkPolicy', optional: false },
  { path: '/apis/cilium.io/v2/ciliumnetworkpolicies', kind: 'CiliumNetworkPolicy', optional: true },
  {
    path: '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies',
    kind: 'CiliumClusterwideNetworkPolicy',
    optional: true,
  },
];

/** Lists the policy resources and Namespaces of the cluster into a catalog. */
export async function loadPoliciesFromCluster(
  access: KubeAccess = kubeAccess(),
  catalog: PolicyCatalog = emptyCatalog(),
  signal?: AbortSignal,
): Promise<PolicyCatalog> {
  for (const r of RESOURCES) {
    const res = await get(access, r.path, signal);
    if (res.status === 404 && r.optional) continue;
    if (res.status !== 200)
      throw new KubeApiError(
        `GET ${r.path}: HTTP ${res.status}${res.status === 403 ? ' (forbidden: the credentials may not list this resource)' : ''}`,
      );
    const list = JSON.parse(res.body) as Obj;
    for (const item of Array.isArray(list.items) ? list.items : []) {
      if (isObj(item))
        addObject(
          catalog,
          {
            ...item,
            kind: r.kind,
            apiVersion: r.kind.startsWith('Cilium')
              ? 'cilium.io/v2'
              : r.kind === 'Namespace'
                ? 'v1'
                : 'networking.k8s.io/v1',
            metadata: cleanMeta(item.metadata),
          },
          { file: `${access.server}${r.path}`, document: 1 },
        );
    }
  }
  return catalog;
}

/** Keeps only the metadata fields the parsers accept. */
function cleanMeta(m: unknown): Obj {
  if (!isObj(m)) return {};
  const out: Obj = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations']) if (m[k] !== undefined) out[k] = m[k];
  return out;
}
