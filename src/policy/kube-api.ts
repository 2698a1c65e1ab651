/**
 * Reads policies and namespaces from a cluster through the Kubernetes API: NetworkPolicies,
 * CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies and Namespaces (for their labels).
 *
 * Uses @kubernetes/client-node, loaded only when this runs. Credentials come from
 * `KubeConfig.loadFromDefault()`: KUBECONFIG or ~/.kube/config (current context, with tokens,
 * client certificates, exec and auth-provider plugins), else the in-cluster service account.
 * Missing Cilium CRDs (404) are not an error.
 */
import type { ConfigurationOptions, KubeConfig } from '@kubernetes/client-node';
import { addObject, emptyCatalog, type PolicyCatalog } from './catalog.js';

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

/** Client-side limit for each list request. */
const TIMEOUT_MS = 15_000;

type Resource = {
  path: string;
  kind: 'Namespace' | 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  apiVersion: string;
  optional: boolean;
};

const RESOURCES: Resource[] = [
  { path: '/api/v1/namespaces', kind: 'Namespace', apiVersion: 'v1', optional: false },
  {
    path: '/apis/networking.k8s.io/v1/networkpolicies',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    optional: false,
  },
  {
    path: '/apis/cilium.io/v2/ciliumnetworkpolicies',
    kind: 'CiliumNetworkPolicy',
    apiVersion: 'cilium.io/v2',
    optional: true,
  },
  {
    path: '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies',
    kind: 'CiliumClusterwideNetworkPolicy',
    apiVersion: 'cilium.io/v2',
    optional: true,
  },
];

/** The kubeconfig of the environment: KUBECONFIG, ~/.kube/config, else in-cluster. */
async function defaultKubeConfig(): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    throw new KubeApiError(`cannot load the kubeconfig: ${(e as Error).message}`, { cause: e });
  }
  // loadFromDefault falls back to this placeholder when it finds no configuration at all.
  const cluster = kc.getCurrentCluster();
  if (
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    !kc.getCurrentUser()?.token
  )
    throw new KubeApiError(
      'no Kubernetes credentials: not in a pod, and no kubeconfig (KUBECONFIG or ~/.kube/config)',
    );
  return kc;
}

/**
 * Lists the policy resources and Namespaces of the cluster into a catalog.
 *
 * @param kubeConfig - credentials and server; default: {@link defaultKubeConfig}
 */
export async function loadPoliciesFromCluster(
  kubeConfig?: KubeConfig,
  catalog: PolicyCatalog = emptyCatalog(),
  signal?: AbortSignal,
): Promise<PolicyCatalog> {
  const k8s = await import('@kubernetes/client-node');
  // The typed lists hold model instances whose property names can differ from the wire names
  // (`from` is `_from`); the generated serializer turns them back into wire JSON.
  const { ObjectSerializer } = await import('@kubernetes/client-node/dist/gen/models/ObjectSerializer.js');
  const kc = kubeConfig ?? (await defaultKubeConfig());
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new KubeApiError('kubeconfig: the current context has no cluster server');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const networking = kc.makeApiClient(k8s.NetworkingV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);

  const list = async (r: Resource): Promise<unknown[] | undefined> => {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    // Per-call middleware (the object-style API takes the observable kind) to set the abort signal.
    const options: ConfigurationOptions = {
      middleware: [
        {
          pre: (ctx) => {
            ctx.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
            return new k8s.Observable(Promise.resolve(ctx));
          },
          post: (res) => new k8s.Observable(Promise.resolve(res)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
    try {
      switch (r.kind) {
        case 'Namespace': {
          const l = await core.listNamespace({}, options);
          return l.items.map((o) => ObjectSerializer.serialize(o, 'V1Namespace', '') as unknown);
        }
        case 'NetworkPolicy': {
          const l = await networking.listNetworkPolicyForAllNamespaces({}, options);
          return l.items.map((o) => ObjectSerializer.serialize(o, 'V1NetworkPolicy', '') as unknown);
        }
        default: {
          const plural = r.path.slice(r.path.lastIndexOf('/') + 1);
          const l: unknown = await custom.listClusterCustomObject(
            { group: 'cilium.io', version: 'v2', plural },
            options,
          );
          return isObj(l) && Array.isArray(l.items) ? l.items : [];
        }
      }
    } catch (e) {
      if (e instanceof k8s.ApiException) {
        const status = e.code;
        if (status === 404 && r.optional) return undefined;
        const detail = statusMessage(e.body);
        throw new KubeApiError(
          `GET ${r.path}: HTTP ${status}${status === 403 ? ' (forbidden: the credentials may not list this resource)' : ''}${detail ? `: ${detail}` : ''}`,
          { cause: e },
        );
      }
      const msg = timeout.aborted ? `timeout after ${TIMEOUT_MS / 1000}s` : (e as Error).message;
      throw new KubeApiError(`GET ${server}${r.path}: ${msg}`, { cause: e });
    }
  };

  for (const r of RESOURCES) {
    const items = await list(r);
    for (const item of items ?? []) {
      if (isObj(item))
        addObject(
          catalog,
          { ...item, kind: r.kind, apiVersion: r.apiVersion, metadata: cleanMeta(item.metadata) },
          { file: `${server}${r.path}`, document: 1 },
        );
    }
  }
  return catalog;
}

/** The message of a Kubernetes Status body, if the error body is one. */
function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  return isObj(b) && typeof b.message === 'string' && b.message ? b.message : undefined;
}

/** Keeps only the metadata fields the parsers accept. */
function cleanMeta(m: unknown): Obj {
  if (!isObj(m)) return {};
  const out: Obj = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations']) if (m[k] !== undefined) out[k] = m[k];
  return out;
}
